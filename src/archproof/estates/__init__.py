"""Reference estates: each documented system's infrastructure, described once.

Its Terraform plan JSON (:func:`render_plan`), its HCL (:func:`render_hcl`) and its
provisioning into a local AWS control plane (:func:`provision`) all derive from
the one description, and seeded violations are edits of that description.
"""

from __future__ import annotations

from archproof.estates.catalogue import ReferenceEstate, build, names, reference
from archproof.estates.hcl import render_hcl, write_hcl
from archproof.estates.model import Estate, EstateResource, Module, Output, Ref, fn, ref, tpl
from archproof.estates.plan_json import plan_document, render_plan
from archproof.estates.provision import Provisioned, ProvisionError, provision
from archproof.estates.violations import Violation, find_violation

__all__ = [
    "Estate",
    "EstateResource",
    "Module",
    "Output",
    "ProvisionError",
    "Provisioned",
    "Ref",
    "ReferenceEstate",
    "Violation",
    "build",
    "find_violation",
    "fn",
    "names",
    "plan_document",
    "provision",
    "ref",
    "reference",
    "render_hcl",
    "render_plan",
    "tpl",
    "write_hcl",
]
