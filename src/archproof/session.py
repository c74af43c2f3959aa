"""Preparing a run: the spec (validated against the control catalogue) and the sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archproof.controls.catalogue import checks_dirs, discover
from archproof.errors import SpecError, UsageError
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.plan import load_plan
from archproof.spec.load import load_spec


@dataclass(frozen=True)
class SourceRequest:
    plans: tuple[str, ...] = ()
    tf_dirs: tuple[str, ...] = ()
    """The configuration each plan was made from (by position), to read its locals."""
    aws: bool = False
    aws_regions: tuple[str, ...] = ()
    aws_profile: str | None = None
    aws_role_arn: str | None = None
    aws_services: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()
    manifest_namespace: str = "default"
    k8s: bool = False
    kubeconfig: str | None = None
    k8s_context: str | None = None
    k8s_namespaces: tuple[str, ...] = ()
    azure: bool = False
    azure_subscriptions: tuple[str, ...] = ()
    azure_endpoint: str | None = None
    azure_resource_groups: tuple[str, ...] = ()
    azure_backup_containers: tuple[str, ...] = ()
    azure_blob_endpoint: str | None = None
    progress: Callable[[str], None] | None = None


def load_sources(request: SourceRequest) -> list[Inventory]:
    inventories: list[Inventory] = []
    if request.tf_dirs and len(request.tf_dirs) != len(request.plans):
        raise UsageError(
            f"--tf-dir given {len(request.tf_dirs)} time(s) for {len(request.plans)} --plan:"
            " give one configuration folder per plan, in the same order"
        )
    for position, plan in enumerate(request.plans):
        name = "plan" if len(request.plans) == 1 else f"plan:{Path(plan).stem or position}"
        if request.progress:
            request.progress(f"reading plan {plan}")
        tf_dir = request.tf_dirs[position] if request.tf_dirs else None
        inventories.append(load_plan(plan, source=name, tf_dir=tf_dir))
    if request.manifests:
        from archproof.sources.kubernetes.manifests import load_manifests

        if request.progress:
            request.progress(f"reading manifests {', '.join(request.manifests)}")
        inventories.append(load_manifests(request.manifests, namespace=request.manifest_namespace))
    if request.k8s:
        from archproof.sources.kubernetes.live import KubeOptions, collect_kubernetes

        inventories.append(
            collect_kubernetes(
                KubeOptions(
                    kubeconfig=request.kubeconfig,
                    context=request.k8s_context,
                    namespaces=request.k8s_namespaces,
                    progress=request.progress,
                )
            )
        )
    if request.azure:
        from archproof.sources.azure import AzureOptions, collect_azure

        inventories.append(
            collect_azure(
                AzureOptions(
                    subscriptions=request.azure_subscriptions,
                    endpoint=request.azure_endpoint,
                    resource_groups=request.azure_resource_groups,
                    backup_containers=request.azure_backup_containers,
                    blob_endpoint_template=request.azure_blob_endpoint,
                    progress=request.progress,
                )
            )
        )
    if request.aws:
        from archproof.sources.aws import AwsOptions, collect_aws

        inventories.append(
            collect_aws(
                AwsOptions(
                    regions=request.aws_regions,
                    profile=request.aws_profile,
                    role_arn=request.aws_role_arn,
                    services=request.aws_services,
                    progress=request.progress,
                )
            )
        )
    if not inventories:
        raise UsageError(
            "nothing to check: give --plan FILE, --manifests PATH, --aws, --k8s and/or --azure"
        )
    return inventories


def prepare_run(
    spec_path: str,
    environment: str | None,
    sources: SourceRequest,
    only_controls: tuple[str, ...] = (),
    only_requirements: tuple[str, ...] = (),
    extra_checks: list[str] | None = None,
    today: dt.date | None = None,
    require_all: bool = False,
) -> Run:
    catalogue = discover(checks_dirs(extra_checks))
    spec = load_spec(spec_path, catalogue)
    try:
        env = spec.pick_environment(environment)
    except KeyError as exc:
        raise SpecError(spec_path, str(exc.args[0]), field="environments") from None
    for pattern in only_requirements:
        if not any(_match(req.id, pattern) for req in spec.requirements):
            raise UsageError(f"--requirement {pattern}: no requirement of {spec.system} matches")
    for pattern in only_controls:
        if not any(_match(c, pattern) for c in catalogue):
            raise UsageError(f"--control {pattern}: no such control")
    inventories = load_sources(sources)
    return Run(
        spec=spec,
        environment=env,
        inventories=inventories,
        spec_path=spec_path,
        only_controls=only_controls,
        only_requirements=only_requirements,
        today=today or dt.date.today(),
        catalogue=catalogue,
        require_all=require_all,
    )


def _match(value: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(value, pattern)
