// Package npy reads and writes the NumPy .npy format (NEP 1; the reference
// is numpy/lib/format.py) with its own header parser, so that every file
// NumPy writes and reads is accepted, and every other input gets an error
// that says why — never a panic or an allocation the caller did not check.
//
// # Overview
//
// A .npy file is the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or
// 3.0), the header length (2 bytes little-endian for 1.0, 4 bytes for
// 2.0 and 3.0), the header — a Python dict literal such as
//
//	{'descr': '<f8', 'fortran_order': False, 'shape': (64, 8), }
//
// padded with spaces and ending in a newline — and the raw array data.
//
// [ReadHeader] parses the header the way numpy.load does: the dict is read
// as a Python literal (ast.literal_eval's grammar: single or double quotes,
// any key order, nested parentheses such as ((64),(8)), trailing commas,
// comments), the Python 2 "L" suffix of integers is dropped for versions
// 1.0 and 2.0 (format.py's _filter_header), the keys must be exactly descr,
// fortran_order and shape, fortran_order a bool, shape a tuple of integers,
// and descr a dtype string NumPy understands ('<f8', 'f8', '<d', 'float64',
// '|u1', 'B', '?', …). Headers longer than 10000 bytes are refused, as
// numpy.load refuses them by default.
//
// The data is not read by ReadHeader: [Header.DataBytes] gives its size
// (with checked arithmetic) so the caller can check it against a memory
// limit first; [ReadFloat64s], [ReadInt64s] and [ReadBits] then read it in
// chunks, so a header promising more than the input holds fails without
// allocating for it.
package npy
