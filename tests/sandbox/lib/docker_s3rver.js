#!/usr/bin/env node
// The sandbox's S3: s3rver (from the cache's node_modules) on 127.0.0.1:PORT with data in DIR/s3,
// accepting only this host's key pair, like a real S3 endpoint.
//
// What s3rver 3.7 does on its own (lib/middleware/authentication.js, lib/models/account.js):
// it knows one hard-coded account whose only key pair is S3RVER/S3RVER; a request signed with
// an unknown access key id fails with InvalidAccessKeyId; signature V2 is verified
// (SignatureDoesNotMatch) unless --allow-mismatched-signatures; signature V4 (what the AWS CLI
// sends) is NOT verified at all ("unimplemented"), and a request without any signature is
// served anonymously. So here we register the sandbox's key pair on that account, revoke
// S3RVER/S3RVER, and put a middleware in front that refuses anonymous requests (AccessDenied)
// and verifies V4 signatures (header and presigned-query forms) with the secret key
// (SignatureDoesNotMatch), so a backup with wrong keys fails like on real S3.
//
// Usage: node docker_s3rver.js NODE_MODULES DATA_DIR PORT ACCESS_KEY SECRET_KEY BUCKET...
'use strict';

const path = require('path');
const crypto = require('crypto');

const [nodeModules, dataDir, portArg, accessKey, secretKey, ...buckets] = process.argv.slice(2);
const S3rver = require(path.join(nodeModules, 's3rver'));
const AWSAccount = require(path.join(nodeModules, 's3rver', 'lib', 'models', 'account'));
const S3Error = require(path.join(nodeModules, 's3rver', 'lib', 'models', 'error'));

AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);

const hmac = (key, data) => crypto.createHmac('sha256', key).update(data, 'utf8').digest();
const sha256hex = data => crypto.createHash('sha256').update(data, 'utf8').digest('hex');

function signingKey(secret, date, region, service) {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

// Canonical query string from the raw query, as the AWS SDKs build it (pairs already encoded).
function canonicalQuery(rawQuery, dropSignature) {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter(p => p.length)
    .map(p => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    })
    .filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'))
    .map(([k, v]) => [encodeRFC3986(decode(k)), encodeRFC3986(decode(v))])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function decode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch (e) {
    return s;
  }
}

function encodeRFC3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalHeaders(req, signedHeaders) {
  return signedHeaders
    .map(h => {
      let v = req.headers[h];
      if (Array.isArray(v)) v = v.join(',');
      return `${h}:${String(v === undefined ? '' : v).trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
}

function denied(code, message, extra) {
  return new S3Error(code, message, extra || {});
}

async function verifyV4(ctx, next) {
  const req = ctx.req;
  const auth = req.headers.authorization;
  const [rawPath, rawQuery = ''] = req.url.split(/\?(.*)/s);
  const query = new URLSearchParams(rawQuery);
  let accessKeyId;
  let scope;
  let signedHeaders;
  let signature;
  let amzDate;
  let payloadHash;
  let presigned = false;
  if (auth && auth.startsWith('AWS4-HMAC-SHA256')) {
    const m = /Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)/.exec(auth);
    if (!m) throw denied('AuthorizationHeaderMalformed', 'The authorization header is malformed.');
    [accessKeyId, ...scope] = m[1].split('/');
    signedHeaders = m[2].split(';');
    signature = m[3];
    amzDate = req.headers['x-amz-date'] || '';
    payloadHash = req.headers['x-amz-content-sha256'] || 'UNSIGNED-PAYLOAD';
  } else if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    presigned = true;
    [accessKeyId, ...scope] = (query.get('X-Amz-Credential') || '').split('/');
    signedHeaders = (query.get('X-Amz-SignedHeaders') || 'host').split(';');
    signature = query.get('X-Amz-Signature') || '';
    amzDate = query.get('X-Amz-Date') || '';
    payloadHash = 'UNSIGNED-PAYLOAD';
  } else if (auth || query.has('Signature')) {
    return next(); // signature V2: s3rver verifies it against the registered key pair
  } else {
    throw denied('AccessDenied', 'Access Denied');
  }
  const account = AWSAccount.registry.get(accessKeyId);
  if (!account) {
    throw denied('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: accessKeyId,
    });
  }
  const secret = account.accessKeys.get(accessKeyId);
  const canonicalRequest = [
    req.method,
    rawPath,
    canonicalQuery(rawQuery, presigned),
    canonicalHeaders(req, signedHeaders),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope.join('/'),
    sha256hex(canonicalRequest),
  ].join('\n');
  const key = signingKey(secret, scope[0], scope[1], scope[2]);
  const expected = crypto.createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  if (expected !== signature) {
    throw denied(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign },
    );
  }
  return next();
}

async function main() {
  const server = new S3rver({
    address: '127.0.0.1',
    port: Number(portArg),
    directory: dataDir,
    silent: true,
    configureBuckets: buckets.map(name => ({ name })),
  });
  // Our check runs after s3rver's logger and error wrapper (the first middlewares) but before
  // its routes.
  server.middleware.splice(2, 0, verifyV4);
  const { address, port } = await server.run();
  console.log('S3rver listening on %s:%d', address, port);
}

main().catch(err => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
