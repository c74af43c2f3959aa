"""``down`` leaves no process and no listening port (runs last: it stops the session's lab)."""

from __future__ import annotations

from archproof.lab.procs import pid_alive, tcp_listeners
from archproof.lab.stack import Lab


def test_down_leaves_no_process_and_no_listening_port(running_lab: Lab) -> None:
    lab = running_lab
    status = lab.status()
    pids = [c.pid for c in status.components if c.pid]
    postmasters = lab._postmasters()
    assert len(pids) >= 13 and len(postmasters) == 2
    lab.down()
    assert not any(pid_alive(p) for p in [*pids, *postmasters])
    wanted = {(h, p) for h, p, _ in lab.layout.listeners()}
    assert not [lst for lst in tcp_listeners() if (lst.host, lst.port) in wanted]
    assert not lab.layout.runtime_socket.exists()
    assert not lab.is_running()
    assert lab.status().running is False
    lab.down()  # idempotent
