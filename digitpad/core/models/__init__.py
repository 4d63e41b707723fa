"""Model architectures and the registry that maps names to builders."""

from digitpad.core.models.registry import REGISTRY, ModelSpec, build_model, get_spec

__all__ = ["REGISTRY", "ModelSpec", "build_model", "get_spec"]
