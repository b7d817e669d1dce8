/**
 * The few globals the fake wx uses that both of its hosts have (the browser and Node.js) but ECMAScript does not
 * declare; nothing of the DOM or of Node.js beyond them.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  decode(input?: Uint8Array): string;
}
declare function atob(data: string): string;
declare function btoa(data: string): string;
