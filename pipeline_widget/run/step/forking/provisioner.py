"""A jupyter_client kernel provisioner that starts kernels through the fork server: the
same connection file, command line, folder and environment as a local start, served by a
fork of a Python that has already imported ipykernel. jupyter_client finds it by its entry
point (`jupyter_client.kernel_provisioners`: pipeline-widget-fork); kernels.py asks for it
for the kernels it may fork."""
from __future__ import annotations

import os
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from .client import forkable, server_for


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        module = forkable(cmd)
        if module is None:   # not the standard launcher after all: started as a program
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        # the server lives beside the kernels' connection files (the workspace's kernels
        # folder when the runner gave one)
        connection_file = getattr(self.parent, "connection_file", "") or ""
        folder = os.path.dirname(os.path.abspath(connection_file)) if connection_file else cwd
        server = server_for(cmd[0], env, folder)
        forked = server.fork(module, cmd[3:], cwd, env)
        self.process = forked   # type: ignore[assignment]   # used as a Popen is
        self.pid = self.pgid = forked.pid
        self.cwd = cwd
        return self.connection_info
