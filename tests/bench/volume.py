#!/usr/bin/python3
"""Realistic benchmark volumes.

  volume.py make PATH SIZE_MIB   a third zeros, a third an ext4 file system full of
                                 /usr/share files (mke2fs -d), a third random bytes
  volume.py mutate PATH PERCENT SEED
                                 overwrite PERCENT of the volume with random bytes in
                                 64 KiB..1 MiB runs at seeded offsets (an "active" disk)
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

MiB = 1024 * 1024


def stage_files(root, budget):
    """Copy /usr/share files (sorted walk, so the same every run) up to budget bytes."""
    used = 0
    for top in ('doc', 'man', 'locale', 'perl', 'fonts', 'zoneinfo', 'i18n', 'mime', 'misc'):
        src_top = os.path.join('/usr/share', top)
        for dirpath, dirnames, filenames in os.walk(src_top):
            dirnames.sort()
            for name in sorted(filenames):
                src = os.path.join(dirpath, name)
                if os.path.islink(src) or not os.path.isfile(src):
                    continue
                size = os.path.getsize(src)
                if used + size > budget:
                    return used
                dst = os.path.join(root, os.path.relpath(src, '/usr/share'))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
                used += size
    return used


def tree_bytes(top):
    total = 0
    for dirpath, _, filenames in os.walk(top):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def make(path, size_mib):
    third = size_mib // 3
    ext4_mib = third
    random_mib = size_mib - 2 * third
    budget = int(ext4_mib * MiB * 0.7)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path))) as tmp:
        # mke2fs reads a whole /usr/share tree in place when one fits (copying
        # thousands of small files is slow); otherwise a copied selection
        fitting = [(tree_bytes(d), d) for d in ('/usr/share/locale', '/usr/share/doc', '/usr/share/man',
                                                '/usr/share/perl', '/usr/share/zoneinfo')
                   if os.path.isdir(d)]
        fitting = sorted(t for t in fitting if t[0] <= budget)
        if fitting and fitting[-1][0] >= budget // 2:
            used, staged = fitting[-1]
        else:
            staged = os.path.join(tmp, 'root')
            os.makedirs(staged)
            used = stage_files(staged, budget)
        image = os.path.join(tmp, 'ext4.img')
        # an inode per file: a small file system's default ratio runs out with man pages
        entries = sum(len(dirs) + len(files) for _, dirs, files in os.walk(staged))
        subprocess.run(['mke2fs', '-q', '-F', '-t', 'ext4', '-E', 'root_owner=0:0', '-d', staged,
                        '-N', str(entries + entries // 10 + 64), image, '%dM' % ext4_mib],
                       check=True, stdout=sys.stderr)
        rng = random.Random(20240101)
        with open(path, 'wb') as out:
            zero = bytes(MiB)
            for _ in range(third):
                out.write(zero)
            with open(image, 'rb') as src:
                shutil.copyfileobj(src, out, 4 * MiB)
            for _ in range(random_mib):
                out.write(rng.randbytes(MiB))
    print('made %s: %d MiB (%d MiB zeros, %d MiB ext4 with %d MiB of files from %s, %d MiB random)'
          % (path, size_mib, third, ext4_mib, used // MiB, staged, random_mib), file=sys.stderr)


def mutate(path, percent, seed):
    size = os.path.getsize(path)
    target = size * percent // 100
    rng = random.Random(seed)
    done = 0
    with open(path, 'r+b') as f:
        while done < target:
            length = min(rng.choice((64, 128, 256, 1024)) * 1024, target - done)
            offset = rng.randrange(0, max(1, size - length))
            f.seek(offset)
            f.write(rng.randbytes(length))
            done += length
    print('mutated %s: %d bytes in place (seed %d)' % (path, done, seed), file=sys.stderr)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'make':
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == 'mutate':
        mutate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
