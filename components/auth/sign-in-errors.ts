// The sign-in page's words for each `?error=` that next-auth or the single sign-on refusals send
// back. Not a client module: the page renders the message on the server.

/** What the sign-in page says for a `?error=` next-auth or the registry's single sign-on sent back. */
export function signInErrorMessage(code: string): string {
  switch (code) {
    case "CredentialsSignin":
      return "Incorrect email or password.";
    case "sso_email_missing":
      return "Your identity provider did not share an email address, so no registry account can be matched.";
    case "sso_email_domain_not_allowed":
      return "Accounts from this email domain cannot sign in to this registry.";
    case "sso_email_not_verified":
      return "Your identity provider has not verified your email address, so it cannot be linked to a registry account.";
    case "sso_email_linked_to_other_identity":
      return "This email belongs to a registry account already linked to a different account at your identity provider. Ask an administrator.";
    case "sso_issuer_mismatch":
      return "The identity provider's answer came from an issuer this registry does not trust.";
    case "sso_no_role":
      return "Your account at the identity provider is not in a group that grants access to this registry. Ask an administrator.";
    case "sso_user_disabled":
      return "This registry account is disabled. Ask an administrator.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
    case "SsoFailed":
      return "Single sign-on did not complete. Try again; if it keeps failing, an administrator should check the provider settings.";
    default:
      return "Sign-in failed. Try again.";
  }
}

/** Errors that come from single sign-on (the provider round trip or the registry's SSO rules). */
export function isSsoError(code: string): boolean {
  return code.startsWith("sso_") || code.startsWith("OAuth") || code === "Callback" || code === "SsoFailed";
}
