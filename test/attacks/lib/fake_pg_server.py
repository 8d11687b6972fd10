# A fake PostgreSQL server: listens on 127.0.0.1:PORT, accepts TLS when
# asked (self-signed), prints the startup packet's parameters of the first
# connection that sends one, then closes. Citus's connections carry
# listguard's proof in their startup options (PGOPTIONS).
import socket, ssl, struct, sys
port = int(sys.argv[1]); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port)); s.listen(5); s.settimeout(float(sys.argv[2]) if len(sys.argv) > 2 else 20)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[3] + '/c.pem', sys.argv[3] + '/k.pem')
def recvn(c, n):
    b = b''
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x: raise EOFError
        b += x
    return b
try:
    while True:
        c, _ = s.accept()
        try:
            while True:
                n = struct.unpack('!I', recvn(c, 4))[0]; body = recvn(c, n - 4)
                code = struct.unpack('!I', body[:4])[0]
                if code == 80877103: c.send(b'S'); c = ctx.wrap_socket(c, server_side=True); continue
                if code == 80877104: c.send(b'N'); continue
                parts = body[4:].split(b'\0'); d = dict(zip(parts[0::2], parts[1::2]))
                print(' '.join('%s=%s' % (k.decode(), v.decode()) for k, v in d.items() if k), flush=True)
                raise StopIteration
        except (EOFError, ssl.SSLError, OSError) as e:
            print("conn error", repr(e), file=sys.stderr, flush=True)
            c.close(); continue
        except StopIteration:
            c.close(); break
except socket.timeout:
    print('no connection', flush=True)
