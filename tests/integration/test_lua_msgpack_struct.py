"""The `cmsgpack` and `struct` script libraries against redis-server 7.0 in the same run: the
same EVAL on both servers gives the same bytes (encodings, decoded values, next offsets) and the
same error texts; values survive a pack/unpack roundtrip."""

import os

import pytest

from conftest import REDIS_REFERENCE, Err

# Scripts whose replies (values or errors) must be identical on both servers.
MSGPACK_SCRIPTS = [
    # encodings of every Lua type and every integer/float/string/container width
    "return cmsgpack.pack({1,2,3}, {a=1}, 'x', 1.5, 3.14, -1, -200, 70000, 2^40, -2^40, "
    "true, false, nil)",
    "return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53)",
    "return cmsgpack.pack(-32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^53)",
    "return cmsgpack.pack(2^63, -2^63, 0/0, 1/0, -1/0, 2^53+1, 0.1, -0.0, 1e300)",
    "return cmsgpack.pack(string.rep('x', 31), string.rep('x', 32), string.rep('y', 255), "
    "string.rep('y', 256), string.rep('z', 65535), string.rep('z', 65536))",
    "local t = {} for i = 1, 15 do t[i] = i end local u = {} for i = 1, 16 do u[i] = i end "
    "local v = {} for i = 1, 65536 do v[i] = 1 end return cmsgpack.pack(t, u, v)",
    "local m = {} for i = 1, 16 do m['k' .. i] = i end return #cmsgpack.pack(m)",
    "return cmsgpack.pack({})",
    "return cmsgpack.pack({1, nil, 3})",
    "return cmsgpack.pack({[1.5] = 2, [-1] = 3})",
    "return cmsgpack.pack({[2] = 'b'})",
    "return cmsgpack.pack(function() end, coroutine.create(function() end))",
    "local t = {} for i = 1, 20 do t = {t} end return cmsgpack.pack(t)",
    "local t = {} t.self = t return cmsgpack.pack(t)",
    # decoding
    "return {cmsgpack.unpack('\\147\\1\\2\\3')}",
    "return {cmsgpack.unpack('\\1\\2\\3')}",
    "return {cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255"
    "\\211\\255\\255\\255\\255\\255\\255\\255\\254')}",
    "return {cmsgpack.unpack('\\204\\200\\205\\1\\2\\206\\1\\2\\3\\4\\208\\128\\209\\128\\0"
    "\\210\\128\\0\\0\\0\\224\\255')}",
    "return {tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0')), "
    "tostring(cmsgpack.unpack('\\203\\64\\9\\30\\184\\81\\235\\133\\31'))}",
    "local t = cmsgpack.unpack('\\130\\161a\\1\\161b\\146\\192\\195') "
    "return {t.a, #t.b, tostring(t.b[2])}",
    "return {cmsgpack.unpack('\\217\\3abc\\218\\0\\2de\\219\\0\\0\\0\\1f\\162gh')}",
    "return {cmsgpack.unpack('\\220\\0\\2\\1\\2')[2], cmsgpack.unpack('\\221\\0\\0\\0\\1\\5')[1]}",
    "return cmsgpack.unpack('\\222\\0\\1\\161k\\161v').k",
    "return cmsgpack.unpack('\\223\\0\\0\\0\\1\\161k\\161w').k",
    "return cmsgpack.unpack('')",
    "return {cmsgpack.unpack_one('\\1\\2')}",
    "return {cmsgpack.unpack_one('\\1\\2', 1)}",
    "return {cmsgpack.unpack_one('\\1\\2', 2)}",
    "return {cmsgpack.unpack_limit('\\1\\2\\3', 2)}",
    "return {cmsgpack.unpack_limit('\\1\\2\\3', 0)}",
    "return {cmsgpack.unpack_limit('\\1\\2\\3', 0, 1)}",
    "return {cmsgpack.unpack_limit('\\1\\2\\3', 5, 1)}",
    # errors
    "return cmsgpack.pack()",
    "return cmsgpack.pack(unpack({}, 1, 5000))",
    "return cmsgpack.unpack_one('\\1', 5)",
    "return cmsgpack.unpack_one('\\1', -1)",
    "return cmsgpack.unpack_limit('\\1')",
    "return cmsgpack.unpack_limit('\\1\\2', -3, 1)",
    "return cmsgpack.unpack('\\193')",
    "return cmsgpack.unpack('\\196\\1a')",
    "return cmsgpack.unpack('\\205')",
    "return cmsgpack.unpack('\\165abc')",
    "return cmsgpack.unpack('\\221\\255\\255\\255\\255\\1')",
    "return cmsgpack.unpack('\\129\\192\\1')",
    "return cmsgpack.unpack()",
    "return type(cmsgpack.unpack(string.rep('\\145', 3000) .. '\\192'))",
    "return cmsgpack.unpack(string.rep('\\145', 5000) .. '\\192')",
    "return cmsgpack.unpack(string.rep('\\129\\192', 5000))",
    "return select('#', cmsgpack.unpack(string.rep('\\1', 7000)))",
    "return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}",
]

STRUCT_SCRIPTS = [
    "return struct.pack('>i2I4bB', 1, 2, -3, 250)",
    "return struct.pack('<i2I4bB', 1, 2, -3, 250)",
    "return struct.pack('<!4 b i2 b i4 d T L', 1, 2, 3, 4, 5, 6, 7)",
    "return struct.pack('!2 b x h', 1, 2)",
    "return struct.pack('>d f <d f', 1.5, 1.5, -2.25, -2.25)",
    "return struct.pack('>i16', -2)",
    "return struct.pack('<I3 i17', 2^40 + 5, 1)",
    "return struct.pack('s', 'ab\\0c')",
    "return struct.pack('c0 s c', 'ab', 'cd', 'e')",
    "return struct.pack('b', 300)",
    "return struct.pack('>I2', -1)",
    "return struct.pack('>I8 >I8 >I8 >I8 >I8 >I8', 2^64, 2^70, 1/0, -1/0, 2^63 + 2^12, -1.5)",
    "return struct.pack('>i8 >i8 >i8', 2^63, -2^70, 2^63 - 1024)",
    "return {struct.unpack('>i2I4bB', '\\0\\1\\0\\0\\0\\2\\253\\250')}",
    "return {struct.unpack('<i9', '\\1\\0\\0\\0\\0\\0\\0\\128\\255')}",
    "return {struct.unpack('<i16', string.rep('\\255', 16))}",
    "return {struct.unpack('i0', 'abc')}",
    "return {struct.unpack('>h H l L I3 i3', string.rep('\\200', 40))}",
    "return {tostring(struct.unpack('>I8', string.rep('\\255', 8)))}",
    "return {struct.unpack('!8 b d', '\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\240\\63')}",
    "return {struct.unpack('>b c0', '\\2abc')}",
    "return {struct.unpack('B c0', '\\1abc', 1)}",
    "return {struct.unpack('c', 'abc', 2)}",
    "return {struct.unpack('b', 'abc', 1.9)}",
    "return {struct.unpack('s', 'ab\\0cd\\0', 4)}",
    "return {struct.unpack('', 'abc', 10)}",
    "return {struct.unpack('>f', struct.pack('>f', 1.25))}",
    "return struct.size('!4 b i l d')",
    "return struct.size('c10 x')",
    "return struct.size('! q')",
    # errors
    "return struct.pack('i99999999999')",
    "return struct.pack('i40', 1)",
    "return struct.pack('c2147483647', 'a')",
    "return struct.pack('c5', 'abc')",
    "return struct.pack('i', 'x')",
    "return struct.pack('!2 b x h')",
    "return struct.pack('!3i', 1)",
    "return struct.pack('q')",
    "return struct.unpack('c0', 'abc')",
    "return struct.unpack('c0', '3')",
    "return struct.unpack('z', 'abc')",
    "return struct.unpack('b', 'abc', 0)",
    "return struct.unpack('b', 'abc', -1)",
    "return struct.unpack('b', 'abc', -2^63)",
    "return struct.unpack('s', 'abc')",
    "return struct.unpack('>', 'abc', 10)",
    "return struct.unpack('>b c0', '\\255abc')",
    "return struct.size('s')",
    "return struct.size('c0')",
    "return struct.size('!0')",
    "return struct.size('#')",
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    if not os.path.exists(REDIS_REFERENCE):
        pytest.skip("no /usr/bin/redis-server")
    yield


@pytest.fixture
def pair(reference, server, server_factory):
    return server.raw(), server_factory(binary=REDIS_REFERENCE).raw()


def same_on_both(pair, scripts):
    ours, theirs = pair
    for script in scripts:
        a, b = ours.cmd("EVAL", script, "0"), theirs.cmd("EVAL", script, "0")
        assert a == b, (script, a, b)


def test_cmsgpack_same_bytes_and_errors_as_redis(pair):
    same_on_both(pair, MSGPACK_SCRIPTS)


def test_struct_same_bytes_and_errors_as_redis(pair):
    same_on_both(pair, STRUCT_SCRIPTS)


def test_libraries_visible_to_functions(pair):
    body = ("#!lua name=lib\n"
            "redis.register_function('f', function() "
            "return cmsgpack.pack({1, 2}) .. struct.pack('>h', 7) end)")
    for c in pair:
        assert c.cmd("FUNCTION", "LOAD", body) == b"lib"
    same = [c.cmd("FCALL", "f", "0") for c in pair]
    assert same[0] == same[1] == b"\x92\x01\x02\x00\x07"


def test_cmsgpack_roundtrip(r):
    script = """
    local v = {1, -1, 200, -200, 70000, 2^40, -2^40, 1.5, 'short', string.rep('s', 300),
               true, false, {a = {b = {c = 'deep'}}}, {1, {2, {3}}}}
    local back = cmsgpack.unpack(cmsgpack.pack(v))
    return cjson.encode(back) == cjson.encode(v) and cjson.encode(back) or 'mismatch'
    """
    out = r.eval(script, 0)
    assert out.startswith("[1,-1,200,-200,70000,") and "deep" in out


def test_cmsgpack_stream_with_unpack_one(r):
    script = """
    local s = cmsgpack.pack('a', 2, {3})
    local out, off = {}, 0
    while off ~= -1 do
      local v
      off, v = cmsgpack.unpack_one(s, off)
      out[#out + 1] = type(v)
      out[#out + 1] = off
    end
    return out
    """
    assert r.eval(script, 0) == ["string", 2, "number", 3, "table", -1]


def test_struct_roundtrip(r):
    script = """
    local fmt = '<!4 b B h H i I l L i8 d f c3 s'
    local s = struct.pack(fmt, -1, 255, -300, 65000, -70000, 4000000000, -5, 6, -2^40, 0.5,
                          0.25, 'abc', 'zero-terminated')
    assert(#s == struct.size('<!4 b B h H i I l L i8 d f c3') + 16)
    return {struct.unpack(fmt, s)}
    """
    assert r.eval(script, 0) == [-1, 255, -300, 65000, -70000, 4000000000, -5, 6,
                                 -2 ** 40, 0, 0, "abc", "zero-terminated", 72]


def test_errors_are_script_errors_not_crashes(server):
    c = server.raw()
    for script in ["return cmsgpack.unpack(string.rep('\\221\\255\\255\\255\\255', 2000))",
                   "return struct.unpack(string.rep('c2147483647', 3), 'x')"]:
        assert isinstance(c.cmd("EVAL", script, "0"), Err)
    assert c.cmd("PING") == "PONG"
