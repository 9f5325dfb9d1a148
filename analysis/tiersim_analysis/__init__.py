# SPDX-License-Identifier: MIT
"""Reading tiersim's HDF5 output with h5py and pandas (Debian's packages, /usr/bin/python3)."""

from .io import read_table, read_summary, read_provenance  # noqa: F401
