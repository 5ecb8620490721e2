// Preloaded into the Agents Playground by the tests (node --require): keeps it on this computer.
// Its servers listen on 127.0.0.1 (it would take every interface), and a connection to any
// other host fails at once, with the host and port appended to $LOOPBACK_ONLY_LOG.
"use strict";
const fs = require("fs");
const net = require("net");

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|::ffff:127\.\d+\.\d+\.\d+)$/i;

function refused(socket, host, port) {
  if (process.env.LOOPBACK_ONLY_LOG) {
    fs.appendFileSync(process.env.LOOPBACK_ONLY_LOG, `${host}:${port}\n`);
  }
  const error = new Error(`connect ECONNREFUSED ${host}:${port} (loopback only)`);
  error.code = "ECONNREFUSED";
  process.nextTick(() => socket.destroy(error));
  return socket;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : null;
  if (options && options.path) return connect.apply(this, args);
  if (!options && typeof first === "string" && Number.isNaN(Number(first))) {
    return connect.apply(this, args); // a Unix socket path
  }
  const host = options ? options.host || "localhost" : typeof args[1] === "string" ? args[1] : "localhost";
  const port = options ? options.port : first;
  return LOOPBACK.test(host) ? connect.apply(this, args) : refused(this, host, port);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first, second] = args;
  if (typeof first === "object" && first !== null && !first.path && !first.fd && !first._handle) {
    if (!first.host) args[0] = { ...first, host: "127.0.0.1" };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof second !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (first === undefined || typeof first === "function") {
    args.unshift(0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
