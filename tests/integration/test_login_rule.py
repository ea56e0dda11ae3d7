"""Who a connection is, after every way its user can change, over real TLS with client
certificates.

The rule (README, "TLS"): while certificate identity is on (`tls-auth-clients-user CN`) a TLS
connection's user comes only from its certificate or from an AUTH that proved a real password;
it never becomes a nopass user (implicitly, or by `AUTH nopass-user <anything>`, answered
WRONGPASS), and RESET returns it to its certificate's user or to no user at all. With
certificate identity off the Redis rules apply.

The property test runs every sequence of login steps against every combination of certificate
identity on/off, default user nopass / with a password / off, and a client with or without a
certificate, and compares ACL WHOAMI and the connection's rights (CONFIG GET dir) with a model
of the rule.
"""

import ssl
import subprocess

import pytest
import redis

from conftest import REDIS_CLI
from test_tls import TlsConn, certs, start_tls  # noqa: F401  (certs is a fixture)

APP = "appuser"  # the name in client.crt's CN
APP_RULES = "~* &* -@all +@read +@connection +acl|whoami"
ADMIN = "user admin on >adminpw ~* &* +@all"
FREE = "user free on nopass ~* &* +@all"
DEFAULTS = {
    "nopass": "user default on nopass ~* &* +@all",
    "password": "user default on >defpw ~* &* +@all",
    "off": "user default off >defpw ~* &* +@all",
}

pytestmark = pytest.mark.redoubt_only


def acl_text(default_mode, app_extra=""):
    app = f"user {APP} on >apppw {APP_RULES} {app_extra}".strip()
    return "\n".join([DEFAULTS[default_mode], app, FREE, ADMIN]) + "\n"


# --------------------------------------------------------------------------- the model


class Model:
    """The rule, stated once in Python: what a connection should be after each step."""

    def __init__(self, cert_mode, default_mode, has_cert):
        self.cert_mode = cert_mode
        self.cert = APP if (cert_mode and has_cert) else None
        self.users = {
            "default": {"on": default_mode != "off", "nopass": default_mode == "nopass",
                        "pw": None if default_mode == "nopass" else "defpw", "full": True},
            APP: {"on": True, "nopass": False, "pw": "apppw", "full": False},
            "free": {"on": True, "nopass": True, "pw": None, "full": True},
            "admin": {"on": True, "nopass": False, "pw": "adminpw", "full": True},
        }
        self.closed = False
        self.initial()

    def allowed(self, name, proof):
        u = self.users.get(name)
        if u is None or not u["on"]:
            return False
        if self.cert_mode:
            if proof == "cert":
                return name == self.cert
            return proof == "password" and not u["nopass"]
        return proof == "password" or u["nopass"]

    def initial(self):
        if self.cert and self.allowed(self.cert, "cert"):
            self.user, self.authed, self.proof = self.cert, True, "cert"
        else:
            self.user, self.proof = "default", None
            self.authed = self.allowed("default", None)

    def auth(self, name, pw):
        u = self.users.get(name)
        ok = u is not None and u["on"] and (u["nopass"] or u["pw"] == pw)
        if ok and self.allowed(name, "password"):
            # Its own certificate's user stays proved by the certificate.
            proof = "cert" if name == self.cert else "password"
            self.user, self.authed, self.proof = name, True, proof
            return "OK"
        return "WRONGPASS"

    def auth1(self, pw):
        if self.users["default"]["nopass"]:
            return "ERR"
        return self.auth("default", pw)

    def acl_change(self, changed_by_load=False):
        u = self.users.get(self.user)
        if self.authed and (u is None or not u["on"]):
            self.closed = True
        elif self.authed and self.cert_mode and not self.allowed(self.user, self.proof):
            self.closed = True
        elif changed_by_load and self.authed and self.user == APP:
            self.closed = True  # ACL LOAD closes the clients of users whose rules changed

    def observe(self):
        if self.closed:
            return "closed"
        d = self.users["default"]
        if not self.authed and (self.cert_mode or not (d["on"] and d["nopass"])):
            return "NOAUTH"
        return f"{self.user}:{'full' if self.users[self.user]['full'] else 'limited'}"


# --------------------------------------------------------------------------- the server side


class Case:
    def __init__(self, srv, certs, acl_path, default_mode, has_cert):
        self.srv, self.acl_path, self.default_mode = srv, acl_path, default_mode
        self.admin = TlsConn(srv.tls_port, certs, cert=None)
        assert self.admin.cmd("AUTH", "admin", "adminpw") == "+OK"
        self.conn = TlsConn(srv.tls_port, certs, cert="client" if has_cert else None)

    def observe(self):
        try:
            who = self.conn.cmd("ACL", "WHOAMI")
            if isinstance(who, str) and who.startswith("-NOAUTH"):
                return "NOAUTH"
            rights = self.conn.cmd("CONFIG", "GET", "dir")
        except (ConnectionError, OSError, ssl.SSLError):
            return "closed"
        if isinstance(rights, list):
            return f"{who}:full"
        assert rights.startswith("-NOPERM"), rights
        return f"{who}:limited"

    def load(self, text):
        with open(self.acl_path, "w") as f:
            f.write(text)
        assert self.admin.cmd("ACL", "LOAD") == "+OK"

    def close(self):
        self.conn.close()
        self.admin.close()


def kind(reply):
    if isinstance(reply, list):
        return "OK"  # HELLO's reply
    if reply.startswith("-WRONGPASS"):
        return "WRONGPASS"
    if reply.startswith("-ERR"):
        return "ERR"
    return reply.lstrip("+")


# Each step does the same to the model and to the server; the replies must agree too.
def step_auth(name, pw):
    def run(m, c):
        return m.auth(name, pw), kind(c.conn.cmd("AUTH", name, pw))
    return f"AUTH {name} {pw}", run


def step_auth1(pw):
    def run(m, c):
        return m.auth1(pw), kind(c.conn.cmd("AUTH", pw))
    return f"AUTH {pw}", run


def step_hello(name, pw):
    def run(m, c):
        return m.auth(name, pw), kind(c.conn.cmd("HELLO", "2", "AUTH", name, pw))
    return f"HELLO 2 AUTH {name} {pw}", run


def step_reset():
    def run(m, c):
        m.initial()
        return "RESET", kind(c.conn.cmd("RESET"))
    return "RESET", run


def step_setuser(*rules):
    def run(m, c):
        u = m.users[APP]
        for r in rules:
            if r == "nopass":
                u["nopass"], u["pw"] = True, None
            elif r == "off":
                u["on"] = False
            elif r == "+config|get":
                u["full"] = True
        m.acl_change()
        return "OK", kind(c.admin.cmd("ACL", "SETUSER", APP, *rules))
    return "ACL SETUSER " + " ".join((APP,) + rules), run


def step_deluser():
    def run(m, c):
        del m.users[APP]
        m.acl_change()
        return 1, int(c.admin.cmd("ACL", "DELUSER", APP).lstrip(":"))
    return f"ACL DELUSER {APP}", run


def step_load_app_config():
    def run(m, c):
        m.users[APP]["full"] = True
        m.acl_change(changed_by_load=True)
        c.load(acl_text(c.default_mode, "+config|get"))
        return "OK", "OK"
    return "ACL LOAD (appuser gains +config|get)", run


def step_load_default_nopass():
    def run(m, c):
        m.users["default"].update(on=True, nopass=True, pw=None)
        m.acl_change(changed_by_load=False)
        c.load(acl_text("nopass"))
        return "OK", "OK"
    return "ACL LOAD (default on nopass)", run


SEQUENCES = [
    [],
    [step_auth(APP, "apppw")],
    [step_auth(APP, "wrong")],
    [step_auth("free", "anything")],
    [step_auth("default", "anything")],
    [step_auth("default", "defpw")],
    [step_auth1("defpw")],
    [step_auth1("anything")],
    [step_hello("free", "anything")],
    [step_hello(APP, "apppw")],
    [step_reset()],
    [step_auth(APP, "apppw"), step_reset()],
    [step_auth("admin", "adminpw"), step_reset()],
    [step_auth("free", "x"), step_reset()],
    [step_setuser("+config|get")],
    [step_auth(APP, "apppw"), step_setuser("+config|get")],
    [step_auth(APP, "apppw"), step_setuser("nopass")],
    [step_setuser("nopass")],
    [step_setuser("nopass"), step_reset()],
    [step_auth(APP, "apppw"), step_setuser("off")],
    [step_setuser("off")],
    [step_auth(APP, "apppw"), step_deluser()],
    [step_deluser()],
    [step_auth(APP, "apppw"), step_load_app_config()],
    [step_load_app_config()],
    [step_load_default_nopass()],
    [step_load_default_nopass(), step_auth("default", "x")],
]


@pytest.mark.parametrize("default_mode", ["nopass", "password", "off"])
@pytest.mark.parametrize("cert_mode", [True, False], ids=["cert-identity", "no-identity"])
def test_every_way_to_change_user_follows_the_rule(server_factory, certs, tmp_path,  # noqa: F811
                                                   cert_mode, default_mode):
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text(default_mode))
    # The sequences make many refused logins from loopback on purpose: the AUTH throttle
    # (tested on its own in test_auth_defences.py) is off so it cannot answer for the rule.
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN" if cert_mode else "off", aclfile=str(acl),
                    auth_max_failures=0)
    boss = TlsConn(srv.tls_port, certs, cert=None)
    assert boss.cmd("AUTH", "admin", "adminpw") == "+OK"
    mismatches = []
    for has_cert in (True, False):
        for seq in SEQUENCES:
            acl.write_text(acl_text(default_mode))
            assert boss.cmd("ACL", "LOAD") == "+OK"
            case = Case(srv, certs, str(acl), default_mode, has_cert)
            model = Model(cert_mode, default_mode, has_cert)
            name = " ; ".join(s[0] for s in seq) or "connect"
            label = f"cert={'yes' if has_cert else 'no'} [{name}]"
            for step_name, run in seq:
                want, got = run(model, case)
                if want != got:
                    mismatches.append(f"{label}: {step_name} replied {got}, want {want}")
            want, got = model.observe(), case.observe()
            if want != got:
                mismatches.append(f"{label}: is {got}, want {want}")
            case.close()
    assert not mismatches, "\n".join(mismatches)


# --------------------------------------------------------------------------- the reported holes


def test_nopass_default_cannot_be_claimed_without_a_certificate(server_factory, certs,  # noqa: F811
                                                                tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text("nopass"))
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", aclfile=str(acl))
    anon = TlsConn(srv.tls_port, certs, cert=None)
    assert anon.cmd("AUTH", "default", "anything").startswith("-WRONGPASS")
    assert anon.cmd("HELLO", "2", "AUTH", "free", "x").startswith("-WRONGPASS")
    assert anon.cmd("CONFIG", "GET", "dir").startswith("-NOAUTH")
    admin = TlsConn(srv.tls_port, certs, cert=None)
    assert admin.cmd("AUTH", "admin", "adminpw") == "+OK"
    entries = admin.cmd("ACL", "LOG")
    assert any("auth" in e and "default" in e for e in entries), entries
    assert any("auth" in e and "free" in e for e in entries), entries


def test_reset_returns_to_the_certificate_user(server_factory, certs, tmp_path):  # noqa: F811
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text("nopass"))
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", aclfile=str(acl))
    lim = TlsConn(srv.tls_port, certs, cert="client")
    assert lim.cmd("ACL", "WHOAMI") == APP
    assert lim.cmd("CONFIG", "GET", "dir").startswith("-NOPERM")
    assert lim.cmd("RESET") == "+RESET"
    assert lim.cmd("ACL", "WHOAMI") == APP
    assert lim.cmd("CONFIG", "GET", "dir").startswith("-NOPERM")


def test_password_session_closed_when_its_user_becomes_nopass(server_factory, certs,  # noqa: F811
                                                             tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text("password"))
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", aclfile=str(acl))
    c = TlsConn(srv.tls_port, certs, cert=None)
    assert c.cmd("AUTH", APP, "apppw") == "+OK"
    admin = TlsConn(srv.tls_port, certs, cert=None)
    assert admin.cmd("AUTH", "admin", "adminpw") == "+OK"
    assert admin.cmd("ACL", "SETUSER", APP, "nopass") == "+OK"
    with pytest.raises((ConnectionError, OSError, ssl.SSLError)):
        c.cmd("PING")
    # Its certificate still logs it in: the certificate, not nopass, is the proof.
    assert TlsConn(srv.tls_port, certs, cert="client").cmd("ACL", "WHOAMI") == APP


def test_redis_cli_with_certificate_cannot_reset_into_default(server_factory, certs,  # noqa: F811
                                                              tmp_path):
    """The reported hole through redis-cli: RESET then CONFIG GET dir as the default user."""
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text("nopass"))
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", aclfile=str(acl))
    script = "RESET\nACL WHOAMI\nCONFIG GET dir\nAUTH default anything\nACL WHOAMI\n"
    p = subprocess.run([REDIS_CLI, "--tls", "--cacert", certs.path("ca.crt"),
                        "--cert", certs.path("client.crt"), "--key", certs.path("client.key"),
                        "-h", "127.0.0.1", "-p", str(srv.tls_port)],
                       input=script, capture_output=True, text=True, timeout=20)
    lines = [ln for ln in p.stdout.splitlines() if ln]  # redis-cli adds a blank after errors
    assert lines[0] == "RESET", p.stdout + p.stderr
    assert lines[1] == APP
    assert lines[2].startswith("NOPERM")
    assert lines[3].startswith("WRONGPASS")
    assert lines[4] == APP


def test_redis_py_without_certificate_cannot_log_in_as_nopass(server_factory, certs,  # noqa: F811
                                                             tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text(acl_text("nopass"))
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", aclfile=str(acl))
    r = redis.Redis(host="127.0.0.1", port=srv.tls_port, ssl=True,
                    ssl_ca_certs=certs.path("ca.crt"), ssl_cert_reqs="required",
                    ssl_check_hostname=False, username="default", password="anything",
                    socket_timeout=10, decode_responses=True)
    try:
        with pytest.raises(redis.exceptions.RedisError, match="WRONGPASS"):
            r.ping()
    finally:
        r.close()
    ok = redis.Redis(host="127.0.0.1", port=srv.tls_port, ssl=True,
                     ssl_ca_certs=certs.path("ca.crt"), ssl_cert_reqs="required",
                     ssl_check_hostname=False, username=APP, password="apppw",
                     socket_timeout=10, decode_responses=True)
    try:
        assert ok.acl_whoami() == APP
        with pytest.raises(redis.exceptions.NoPermissionError):
            ok.config_get("dir")
    finally:
        ok.close()
