"""Kubernetes sources: manifests (YAML files, helm/kustomize output) and live clusters."""
