'use strict';
// How the sample app finds its database host, the way a container with legacy docker
// links does: a host name is a link alias from the app's docker-options
// (`--link CONTAINER:ALIAS`), and the container's address comes from DIR/sandbox/hosts
// (`IP name...` lines for running containers, kept by the sandbox's docker). A name that
// is not a link alias of the app does not resolve (as after `postgres:unlink` + restart).
const fs = require('fs');
const net = require('net');
const path = require('path');

function readLinks(root, app) {
  const links = new Map();
  const file = path.join(root, 'home', 'dokku', app, 'DOCKER_OPTIONS_DEPLOY');
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return links;
  }
  const re = /--link(?:=|\s+)([^\s:]+)(?::([^\s]+))?/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const container = m[1];
    links.set(m[2] || container, container);
    links.set(container, container);
  }
  return links;
}

function readHosts(root) {
  const hosts = new Map();
  let text = '';
  try {
    text = fs.readFileSync(path.join(root, 'sandbox', 'hosts'), 'utf8');
  } catch (e) {
    return hosts;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [ip, ...names] = line.split(/\s+/);
    for (const name of names) {
      if (!hosts.has(name)) hosts.set(name, ip);
    }
  }
  return hosts;
}

function notFound(host) {
  const err = new Error(`getaddrinfo ENOTFOUND ${host}`);
  err.code = 'ENOTFOUND';
  return err;
}

// resolve(root, links, host) -> IP address (throws ENOTFOUND).
function resolve(root, links, host) {
  if (!host) throw notFound(String(host));
  if (net.isIP(host) || host.startsWith('/')) return host;
  if (host === 'localhost') return '127.0.0.1';
  const container = links.get(host);
  if (!container) throw notFound(host);
  const ip = readHosts(root).get(container);
  if (!ip) throw notFound(host);
  return ip;
}

module.exports = { readLinks, readHosts, resolve };
