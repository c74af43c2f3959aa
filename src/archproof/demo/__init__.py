"""``archproof demo``: the whole product on the embedded default, no cloud account needed."""

from archproof.demo.run import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]
