#!/usr/bin/env python3
"""A TCP gate in front of Swift's proxy (or S3) that can "stop" it, for Ember's fault tests.

Usage: tcpgate.py UPSTREAM_HOST UPSTREAM_PORT
Listens on 127.0.0.1 (a free port) and prints "port N" on stdout; forwards every
connection to the upstream unchanged (Swift's tempauth builds storage URLs from the
Host header, so they point at the gate). Commands, one per line on stdin, each
answered with one line on stdout:
  down              stop like a killed proxy: open connections are reset and new
                    ones refused (nothing listens on the port any more)
  down-after BYTES  go down by itself once BYTES more request bytes have passed
                    (the crossing chunk is not forwarded)
  drop-after BYTES  once BYTES more request bytes have passed, reset the connection
                    carrying them (the crossing chunk is not forwarded) and stay up:
                    a connection dropped mid-upload
  up                listen on the same port again
  stats             JSON: state, connections, bytes_up, went_down, dropped
The gate exits when its stdin closes.
"""
import json
import socket
import struct
import sys
import threading

UPSTREAM = (sys.argv[1], int(sys.argv[2]))
LOCK = threading.Lock()
STATE = {'down': False, 'listener': None, 'port': 0, 'live': set(),
         'down_after': None, 'drop_after': None, 'connections': 0, 'bytes_up': 0,
         'went_down': 0, 'dropped': 0}


def reset(sock):
    """Closes with RST (SO_LINGER 0), waking any thread blocked on it."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def go_down():
    with LOCK:
        if STATE['down']:
            return
        STATE['down'] = True
        STATE['went_down'] += 1
        STATE['down_after'] = None
        listener, live = STATE['listener'], list(STATE['live'])
        STATE['listener'] = None
        STATE['live'].clear()
    try:
        listener.shutdown(socket.SHUT_RDWR)  # wakes accept()
    except OSError:
        pass
    listener.close()
    for sock in live:
        reset(sock)


def pump(source, sink, upstream_direction):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if upstream_direction:
                trigger = drop = False
                with LOCK:
                    if STATE['down']:
                        break
                    STATE['bytes_up'] += len(data)
                    if STATE['down_after'] is not None:
                        STATE['down_after'] -= len(data)
                        trigger = STATE['down_after'] <= 0
                    if STATE['drop_after'] is not None:
                        STATE['drop_after'] -= len(data)
                        drop = STATE['drop_after'] <= 0
                        if drop:
                            STATE['drop_after'] = None
                            STATE['dropped'] += 1
                            STATE['live'].discard(source)
                            STATE['live'].discard(sink)
                if trigger:
                    go_down()
                    break
                if drop:
                    reset(source)
                    reset(sink)
                    return
            sink.sendall(data)
    except OSError:
        pass
    for sock in (source, sink):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(listener):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return  # gone down
        try:
            upstream = socket.create_connection(UPSTREAM, timeout=10)
            upstream.settimeout(None)
        except OSError:
            reset(client)
            continue
        with LOCK:
            if STATE['down']:
                reset(client)
                upstream.close()
                continue
            STATE['connections'] += 1
            STATE['live'].update((client, upstream))
        threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()


def go_up():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', STATE['port']))
    listener.listen(64)
    with LOCK:
        STATE['listener'] = listener
        STATE['port'] = listener.getsockname()[1]
        STATE['down'] = False
    threading.Thread(target=serve, args=(listener,), daemon=True).start()


go_up()
print('port %d' % STATE['port'], flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    answer = 'ok'
    if words[0] == 'down':
        go_down()
    elif words[0] == 'down-after':
        with LOCK:
            STATE['down_after'] = int(words[1])
    elif words[0] == 'drop-after':
        with LOCK:
            STATE['drop_after'] = int(words[1])
    elif words[0] == 'up':
        if STATE['down']:
            go_up()
    elif words[0] == 'stats':
        with LOCK:
            answer = json.dumps({'state': 'down' if STATE['down'] else 'up',
                                 'connections': STATE['connections'],
                                 'bytes_up': STATE['bytes_up'], 'went_down': STATE['went_down'],
                                 'dropped': STATE['dropped']})
    else:
        answer = 'unknown command'
    sys.stdout.write(answer + '\n')
    sys.stdout.flush()
