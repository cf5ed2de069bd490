// The one function the server-action matrix test uses from Next's bundled React Flight client:
// it encodes arguments exactly as the browser does when it calls a server action.
declare module "next/dist/compiled/react-server-dom-turbopack/client.edge.js" {
  export function encodeReply(value: unknown): Promise<string | FormData>;
}
