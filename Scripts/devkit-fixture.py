#!/usr/bin/env python3
"""Writes the small stand-ins for ILSVRC's devkit `meta.mat` that the tests read.

Run once, by hand, on a machine with scipy; the files are committed and the tests never need
Python. Each holds one variable, `synsets`, a struct array with the devkit's fields, for four
leaf classes whose ILSVRC ids are deliberately not in sorted WordNet-id order (as in the real
devkit, where id 1 is n02119789) and one inner node of the hierarchy:

    meta.mat               compressed (MATLAB's default since version 7)
    meta-uncompressed.mat  the same, uncompressed
    meta-2010.mat          the same synsets under ILSVRC2010_ID: a devkit of another year

The tests build training and validation archives for exactly these classes, with as many
training images per class as num_train_images says.
"""
import os
import numpy as np
from scipy.io import savemat

LEAVES = [  # ILSVRC id, WordNet id, words, training images
    (1, "n02119789", "kit fox, Vulpes macrotis", 3),
    (2, "n02100735", "English setter", 2),
    (3, "n01440764", "tench, Tinca tinca", 3),
    (4, "n01751748", "sea snake", 2),
]


def synsets(id_field):
    fields = [id_field, "WNID", "words", "gloss", "num_children", "children", "wordnet_height", "num_train_images"]
    rows = []
    for ident, wnid, words, images in LEAVES:
        rows.append((float(ident), wnid, words, "a stand-in for the tests", 0.0, np.zeros((1, 0)), 0.0, float(images)))
    rows.append((5.0, "n00001740", "entity", "the root", 4.0, np.array([[1.0, 2.0, 3.0, 4.0]]), 18.0, 0.0))
    array = np.empty((len(rows), 1), dtype=[(f, object) for f in fields])
    for i, row in enumerate(rows):
        for f, v in zip(fields, row):
            array[i, 0][f] = v
    return array


here = os.path.join(os.path.dirname(__file__), "..", "Tests", "AlexNetDataTests", "Fixtures")
savemat(os.path.join(here, "meta.mat"), {"synsets": synsets("ILSVRC2012_ID")}, do_compression=True)
savemat(os.path.join(here, "meta-uncompressed.mat"), {"synsets": synsets("ILSVRC2012_ID")}, do_compression=False)
savemat(os.path.join(here, "meta-2010.mat"), {"synsets": synsets("ILSVRC2010_ID")}, do_compression=True)
