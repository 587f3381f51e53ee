"""The build configuration pyproject.toml cannot say: the top-level ``macros/`` folder (the client-side
code: VBA, the WPS add-in, the LibreOffice extension) is installed as the package ``xlgoals.macros``,
every file of every folder in it; so are the service's static files."""

from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(include=["xlgoals", "xlgoals.*"], exclude=["*.__pycache__"])
MACROS = [
    "xlgoals.macros",
    *(f"xlgoals.macros.{p}" for p in find_namespace_packages("macros", exclude=["*__pycache__"])),
]
DATA = ["xlgoals.service.static", *MACROS]

setup(
    packages=[*PACKAGES, *MACROS],
    package_dir={"xlgoals.macros": "macros"},
    package_data={"xlgoals": ["py.typed"], **{p: ["*"] for p in DATA}},
    exclude_package_data={p: ["*.pyc"] for p in DATA},
)
