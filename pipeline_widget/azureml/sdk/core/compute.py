"""azureml.core.compute: compute targets are names here. Creating one records its name in
the workspace's compute_targets.json (as "local"); a name mapped there to an executor
(e.g. "dask://host:8786") runs its steps there, any other name on this machine."""
from __future__ import annotations

import json
from typing import Any

from ....core import atomic, locks
from ...missing import MissingNames, module_getattr
from ..exceptions import ComputeTargetException

COMPUTE_TARGETS = "compute_targets.json"   # in the local workspace: target name -> executor
LOCAL = "local"


def executors(workspace: Any) -> dict[str, str]:
    """Compute target names mapped to executors, from the workspace's compute_targets.json."""
    try:
        data = json.loads((workspace.root / COMPUTE_TARGETS).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _record(workspace: Any, name: str) -> None:
    workspace.ensure()
    target = workspace.root / COMPUTE_TARGETS
    with locks.lock(target):
        known = executors(workspace)
        if name not in known:
            atomic.write_json(target, {**known, name: LOCAL})


class ProvisioningConfiguration:
    """What AmlCompute/ComputeInstance.provisioning_configuration returns: kept, unused."""

    def __init__(self, kind: str, **settings: Any) -> None:
        self.kind, self.settings = kind, settings


class ComputeStatus(str):
    """A target's status: its provisioning state, which v1 code prints or serializes."""

    @property
    def provisioning_state(self) -> str:
        return str(self)

    def serialize(self) -> dict[str, Any]:
        return {"provisioningState": str(self), "currentNodeCount": 1, "targetNodeCount": 1,
                "nodeStateCounts": {"idleNodeCount": 1}}


class ComputeTarget(MissingNames):
    """A named compute target of the workspace. Looking one up that was never created (nor
    mapped in compute_targets.json) raises ComputeTargetException, as v1 does, so the
    usual try/except that creates it runs its except branch."""

    type = "AmlCompute"

    def __init__(self, workspace: Any = None, name: str | None = None, **kwargs: Any) -> None:
        self.workspace, self.name = workspace, name
        if workspace is not None and name is not None and name not in executors(workspace):
            raise ComputeTargetException(f"ComputeTargetNotFound: compute target {name!r} not "
                                         f"found in workspace (create it with "
                                         f"ComputeTarget.create)")
        self.provisioning_state = "Succeeded"

    @staticmethod
    def create(workspace: Any, name: str, provisioning_configuration: Any) -> "ComputeTarget":
        """Record `name` in the workspace; its steps run locally unless mapped elsewhere."""
        _record(workspace, name)
        kind = getattr(provisioning_configuration, "kind", "AmlCompute")
        target = {"ComputeInstance": ComputeInstance}.get(kind, AmlCompute)(workspace, name)
        return target

    @staticmethod
    def list(workspace: Any) -> list["ComputeTarget"]:
        return [AmlCompute(workspace, n) for n in executors(workspace)]

    @staticmethod
    def attach(workspace: Any, name: str, attach_configuration: Any) -> "ComputeTarget":
        return ComputeTarget.create(workspace, name, attach_configuration)

    def wait_for_completion(self, show_output: bool = False, min_node_count: int | None = None,
                            timeout_in_minutes: int = 20, is_delete_operation: bool = False
                            ) -> None:
        """Nothing to wait for: the target is this machine."""
        if show_output:
            print(f"{self.name}: local, ready (Succeeded)")

    def get_status(self) -> "ComputeStatus":
        return ComputeStatus(self.provisioning_state)

    def get(self) -> dict[str, Any]:
        return {"name": self.name, "provisioningState": self.provisioning_state}

    def serialize(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type}

    def delete(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, local)"


class AmlCompute(ComputeTarget):
    @staticmethod
    def provisioning_configuration(vm_size: str = "", vm_priority: str = "dedicated",
                                   min_nodes: int = 0, max_nodes: int | None = None,
                                   idle_seconds_before_scaledown: int | None = None,
                                   **settings: Any) -> ProvisioningConfiguration:
        return ProvisioningConfiguration("AmlCompute", vm_size=vm_size, min_nodes=min_nodes,
                                         max_nodes=max_nodes, **settings)

    @staticmethod
    def supported_vmsizes(workspace: Any, location: str | None = None) -> list[dict[str, Any]]:
        return []


class ComputeInstance(ComputeTarget):
    type = "ComputeInstance"

    @staticmethod
    def provisioning_configuration(vm_size: str = "", ssh_public_access: bool = False,
                                   **settings: Any) -> ProvisioningConfiguration:
        return ProvisioningConfiguration("ComputeInstance", vm_size=vm_size, **settings)


__all__ = ["AmlCompute", "ComputeInstance", "ComputeTarget", "ComputeTargetException"]
__getattr__ = module_getattr(__name__)
