// api.js: calls to the kqlhunt API with the bearer token the user typed
// (kept in sessionStorage, so for this browser tab only).

const tokenKey = "kqlhunt.token";

export function token() {
  return sessionStorage.getItem(tokenKey) || "";
}

export function setToken(t) {
  if (t) sessionStorage.setItem(tokenKey, t);
  else sessionStorage.removeItem(tokenKey);
}

// ApiError is a refused call: status, the server's message, and the
// diagnostics of a query that does not compile.
export class ApiError extends Error {
  constructor(status, message, diagnostics) {
    super(message);
    this.status = status;
    this.diagnostics = diagnostics || [];
  }
}

// keepBigIntegers is a JSON.parse reviver that keeps an integer beyond
// 2^53 (a KQL long such as an id) as the string of its digits, which a
// JavaScript number would round. Browsers without the reviver's source
// argument keep the rounded number.
function keepBigIntegers(key, value, context) {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context && /^-?\d+$/.test(context.source)) return context.source;
  return value;
}

const listeners = new Set();

// onUnauthorized registers f, called when the server answers 401.
export function onUnauthorized(f) {
  listeners.add(f);
}

// call sends method path with body (an object, sent as JSON) and returns
// the decoded answer; a 4xx or 5xx throws an ApiError.
export async function call(method, path, body, signal) {
  const headers = { "Accept": "application/json" };
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  const init = { method, headers, signal };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "the server cannot be reached: " + e.message);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text, keepBigIntegers) : null;
  } catch (e) {
    data = null;
  }
  if (res.status === 401) listeners.forEach((f) => f());
  if (!res.ok) {
    const msg = data && data.error ? data.error : `${method} ${path}: ${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg, data && data.diagnostics);
  }
  return data;
}

export const get = (path, signal) => call("GET", path, undefined, signal);
export const post = (path, body, signal) => call("POST", path, body, signal);
