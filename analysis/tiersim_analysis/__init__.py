# SPDX-License-Identifier: MIT
"""Reading tiersim's HDF5 output with h5py and pandas (Debian's packages, /usr/bin/python3)."""

from .io import COST_KINDS, SUMMARY_TABLES, read_provenance, read_summary, read_table  # noqa: F401
