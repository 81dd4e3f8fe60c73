#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of Swift (or S3) for Ember's tests.

Usage: faultproxy.py UPSTREAM_BASE_URL [--tls CERT_FILE KEY_FILE] [--s3]
(e.g. http://127.0.0.1:8080). Listens on 127.0.0.1 (a free port; HTTPS with
--tls) and prints "port N" on stdout. With --s3 (in front of an S3 service): the
client's Host header goes upstream unchanged (Signature V4 signs it), injected
failures answer with S3's XML error body, and ListObjectsV2 requests count as listings.
Commands, one per line on stdin, each answered with one line on stdout:
  fail STATUS COUNT [METHOD [SKIP]]  answer the next COUNT storage requests (of METHOD)
                              with STATUS, after letting SKIP of them through
  slowdown COUNT [METHOD]     answer the next COUNT storage requests (of METHOD) with
                              S3's 503 SlowDown
  drop COUNT [BYTES]          for the next COUNT uploads (PUT/POST with a body): read
                              BYTES of the body (default: half), then reset the connection
  unauth COUNT                answer the next COUNT token-bearing requests with 401; a PUT
                              with "Expect: 100-continue" is refused before its body is sent,
                              like Swift's auth middleware does
  corrupt COUNT               flip one byte of the next COUNT uploaded bodies
  stall SECONDS COUNT         wait SECONDS, then answer 504, for the next COUNT requests
  stats                       JSON counters (requests, logins, injected_failures,
                              injected_401, corrupted, listings, dropped)
  reset                       clear faults and counters
Storage URLs in login answers are rewritten to point at the proxy.
"""
import http.client
import http.server
import json
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

ARGS = sys.argv[1:]
S3 = '--s3' in ARGS
if S3:
    ARGS.remove('--s3')
UPSTREAM = urllib.parse.urlsplit(ARGS[0])
TLS = ARGS[2:4] if len(ARGS) >= 4 and ARGS[1] == '--tls' else None
S3_CODES = {500: 'InternalError', 503: 'ServiceUnavailable'}
LOCK = threading.Lock()
STATE = {}


def reset():
    with LOCK:
        STATE.clear()
        STATE.update(fail_status=0, fail_count=0, fail_method=None, fail_skip=0, fail_code=None,
                     unauth=0, corrupt=0, stall_seconds=0.0, stall_count=0, drop=0,
                     drop_bytes=None,
                     counters={'requests': 0, 'logins': 0, 'injected_failures': 0,
                               'injected_401': 0, 'corrupted': 0, 'listings': 0,
                               'dropped': 0})


def take(name):
    """Decrements a fault counter; True if the fault applies to this request."""
    with LOCK:
        if STATE[name] > 0:
            STATE[name] -= 1
            return True
        return False


def count(name):
    with LOCK:
        STATE['counters'][name] += 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    refused_before_body = False

    def log_message(self, fmt, *args):
        pass

    def handle_expect_100(self):
        if self.headers.get('X-Auth-Token') and take('unauth'):
            self.refused_before_body = True
            return True  # answer 401 without asking for the body
        return super().handle_expect_100()

    def read_body(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            parts = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b''.join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def drop_connection(self):
        """Resets the client's connection (RST), as a dying server or network would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack('ii', 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()

    def reply(self, status, body=b'', headers=(), close=False):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if self.command != 'HEAD' or not any(n.lower() == 'content-length' for n, _ in headers):
            self.send_header('Content-Length', str(len(body)))
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        count('requests')
        path = self.path
        is_login = path.startswith('/auth/')
        if is_login:
            count('logins')
        if self.refused_before_body:
            count('injected_401')
            self.reply(401, b'injected 401 before the body', close=True)
            return
        if self.command in ('PUT', 'POST') and int(self.headers.get('Content-Length') or 0) > 0:
            with LOCK:
                drop = STATE['drop'] > 0
                if drop:
                    STATE['drop'] -= 1
                    drop_bytes = STATE['drop_bytes']
            if drop:
                length = int(self.headers['Content-Length'])
                self.rfile.read(min(length - 1, drop_bytes if drop_bytes is not None
                                    else length // 2))
                count('dropped')
                self.drop_connection()
                return
        body = self.read_body()
        with LOCK:
            stall = STATE['stall_seconds'] if STATE['stall_count'] > 0 else 0
            if stall:
                STATE['stall_count'] -= 1
        if stall:
            time.sleep(stall)
            # the client has given up by now; answer without touching later faults
            self.reply(504, b'stalled', close=True)
            return
        if not is_login:
            if self.headers.get('X-Auth-Token') and take('unauth'):
                count('injected_401')
                self.reply(401, b'injected 401')
                return
            with LOCK:
                method_ok = STATE['fail_method'] in (None, self.command)
                fail = STATE['fail_count'] > 0 and method_ok
                if fail and STATE['fail_skip'] > 0:
                    STATE['fail_skip'] -= 1
                    fail = False
                if fail:
                    STATE['fail_count'] -= 1
                    status = STATE['fail_status']
                    code = STATE['fail_code'] or S3_CODES.get(status, 'InternalError')
            if fail:
                count('injected_failures')
                if S3:
                    self.reply(status, (
                        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
                        '<Message>injected %s</Message><RequestId>faultproxy</RequestId></Error>'
                        % (code, code)).encode(), [('Content-Type', 'application/xml')])
                else:
                    self.reply(status, b'injected failure')
                return
            if self.command == 'PUT' and body and take('corrupt'):
                count('corrupted')
                body = bytes([body[0] ^ 0xFF]) + body[1:]
            query = urllib.parse.urlsplit(path).query
            if self.command == 'GET' and ('format=' in path or (S3 and 'list-type=' in query)):
                count('listings')
        # S3: Signature V4 signs the Host header, so it goes upstream unchanged
        dropped = ('transfer-encoding', 'expect', 'connection', 'content-length')
        if not S3:
            dropped += ('host',)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
        if body or self.command in ('PUT', 'POST'):
            headers['Content-Length'] = str(len(body))
        connection = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=120)
        connection.request(self.command, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        upstream_base = '%s://%s' % (UPSTREAM.scheme, UPSTREAM.netloc)
        own_base = '%s://127.0.0.1:%d' % ('https' if TLS else 'http',
                                          self.server.server_address[1])
        out = []
        for name, value in response.getheaders():
            lower = name.lower()
            if lower in ('transfer-encoding', 'connection'):
                continue
            if lower == 'content-length' and self.command != 'HEAD':
                continue
            if lower == 'x-storage-url':
                value = value.replace(upstream_base, own_base)
            out.append((name, value))
        self.reply(response.status, data, out)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_COPY = handle_any


def commands():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        answer = 'ok'
        with LOCK:
            if words[0] == 'fail':
                STATE['fail_status'] = int(words[1])
                STATE['fail_count'] = int(words[2])
                STATE['fail_method'] = words[3] if len(words) > 3 else None
                STATE['fail_skip'] = int(words[4]) if len(words) > 4 else 0
                STATE['fail_code'] = None
            elif words[0] == 'slowdown':
                STATE['fail_status'] = 503
                STATE['fail_count'] = int(words[1])
                STATE['fail_method'] = words[2] if len(words) > 2 else None
                STATE['fail_skip'] = 0
                STATE['fail_code'] = 'SlowDown'
            elif words[0] == 'drop':
                STATE['drop'] = int(words[1])
                STATE['drop_bytes'] = int(words[2]) if len(words) > 2 else None
            elif words[0] == 'unauth':
                STATE['unauth'] = int(words[1])
            elif words[0] == 'corrupt':
                STATE['corrupt'] = int(words[1])
            elif words[0] == 'stall':
                STATE['stall_seconds'] = float(words[1])
                STATE['stall_count'] = int(words[2])
            elif words[0] == 'stats':
                answer = json.dumps(STATE['counters'])
            elif words[0] != 'reset':
                answer = 'unknown command'
        if words[0] == 'reset':
            reset()
        sys.stdout.write(answer + '\n')
        sys.stdout.flush()
    SERVER.shutdown()  # stdin closed: the test is over


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            return  # the client gave up (stall test) or refused our certificate: expected
        super().handle_error(request, client_address)


reset()
SERVER = Server(('127.0.0.1', 0), Handler)
if TLS:
    CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    CONTEXT.load_cert_chain(TLS[0], TLS[1])
    # the handshake happens in the handler thread, so a refusing client
    # (untrusted certificate) cannot block the server
    SERVER.socket = CONTEXT.wrap_socket(SERVER.socket, server_side=True,
                                        do_handshake_on_connect=False)
print('port %d' % SERVER.server_address[1], flush=True)
threading.Thread(target=commands, daemon=True).start()
SERVER.serve_forever()
