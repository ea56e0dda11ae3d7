"""Redis's CRC-64 (Jones polynomial, reflected, init 0) for building test payloads."""

_POLY = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 bit-reversed
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc64(data, crc=0):
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


assert crc64(b"123456789") == 0xE9C6D914C4B8D9CA
