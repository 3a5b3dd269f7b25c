"""Loaded by Python at start-up when this folder is on PYTHONPATH (tests only): every name looked up that is not
this machine is written to R2P_RISK_TEST_LOOKUPS and refused, so a test can tell whether a process tried to reach
anything outside."""

import os
import socket

_LOG = os.environ.get("R2P_RISK_TEST_LOOKUPS")
_LOCAL = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}
_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if _LOG and name not in _LOCAL:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{name}\n")
        raise socket.gaierror(socket.EAI_NONAME, "outside lookups are refused in this test")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo
