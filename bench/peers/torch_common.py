"""What the bench's PyTorch peers share: thread set-up, the build description and the soft-threshold."""
import json
import os
import re

import torch


def set_threads(threads):
    """Uses exactly `threads` intra-op threads (0: one per CPU); returns the number in use."""
    torch.set_num_threads(threads if threads > 0 else (os.cpu_count() or 1))
    return torch.get_num_threads()


def build():
    """What this PyTorch computes with, from torch.__config__.show(): BLAS, MKL, oneDNN and the CPU kernels."""
    text = torch.__config__.show()

    def find(pattern):
        m = re.search(pattern, text)
        return m.group(1).strip() if m else None

    return dict(
        blas=find(r'BLAS_INFO=([^,\s]+)'),
        mkl=find(r'Math Kernel Library Version ([^\s]+)'),
        onednn=find(r'(?:MKL-DNN|oneDNN) v([^\s]+)'),
        cpu_capability=find(r'CPU capability usage: ([^\s]+)'))


def header(dtype, threads, **extra):
    """The first JSON line of every peer: which PyTorch ran, on what, with how many threads."""
    info = dict(torch=torch.__version__, python=os.sys.prefix, dtype=dtype, threads=threads)
    info.update(build())
    info.update(extra)
    print(json.dumps(info), flush=True)


def soft_threshold(u, thr):
    """ST(u, thr) = sign(u)·max(|u| − thr, 0), written as two ReLUs (one pass each, differentiable)."""
    return torch.relu(u - thr) - torch.relu(-u - thr)
