"""Prints the current TOTP code (RFC 6238: SHA-1, 30 s, 6 digits) of a base32 secret."""
import base64
import hashlib
import hmac
import struct
import sys
import time

key = base64.b32decode(sys.argv[1])
step = int(time.time()) // 30
digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
offset = digest[-1] & 15
number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
print("%06d" % (number % 1_000_000))
