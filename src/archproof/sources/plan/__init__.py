"""Terraform plan JSON source."""

from archproof.sources.plan.load import load_plan

__all__ = ["load_plan"]
