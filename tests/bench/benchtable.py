#!/usr/bin/python3
"""The tables of run-bench.sh.

  benchtable.py RESULTS SIZE_BYTES BORG_VERSION RESTIC_VERSION

RESULTS holds one tab-separated row per measurement: tool, compression, operation,
seconds, peak RSS in KiB ("store MiB" rows: MiB in the seconds field). Prints a table per
compression (every tool's row with Ember/tool ratios), Ember's restore time vs chain depth,
and the targets with MET / NOT MET.
"""
import collections
import sys

rows = [line.rstrip('\n').split('\t') for line in open(sys.argv[1]) if line.strip()]
size_mb = int(sys.argv[2]) / 1e6
borg_version, restic_version = sys.argv[3], sys.argv[4]

# data[comp][op][tool] = (seconds, kb); the zlib-library rows are their own compression
data = collections.OrderedDict()
for tool, comp, op, secs, kb in rows:
    data.setdefault(comp, collections.OrderedDict()).setdefault(op, {})[tool] = (float(secs), int(kb))

TOOLS = ('ember', 'cinder', 'borg', 'restic')
PEER_SETTING = {
    'zlib': {'ember': 'zlib (ISA-L)', 'cinder': 'zlib (level 6)', 'borg': 'zlib,6', 'restic': 'auto (zstd)'},
    'zlib/zlib-library': {'ember': 'zlib (zlib library, level 6)'},
    'none': {'ember': 'none', 'cinder': 'none', 'borg': 'lz4 (its default)', 'restic': 'off'},
}


def ratio(a, b):
    return a / b if b else float('nan')


def get(comp, op, tool):
    return data.get(comp, {}).get(op, {}).get(tool)


print()
print('Volume: %.0f MB. s = seconds, MB/s = volume MB / s, RSS = peak MiB (/usr/bin/time %%M).' % size_mb)
print('Peers: Cinder PosixBackupDriver (driver call; "(process)" adds Python start-up), %s '
      '(--files-cache=disabled, --encryption none), %s (--force, repository v2, always encrypted).'
      % (borg_version, restic_version))
print('Ratios Ember/tool: below 1 = Ember faster / smaller. Page cache warm for every tool alike.')
MAIN_OPS = ('full backup', 'incremental, unchanged', 'incremental, 5% changed', 'incremental #4 (5%)',
            'incremental #5 (5%)', 'restore depth 5', 'restore depth 5, MD5 skip', 'store MiB')
for comp, all_ops in data.items():
    settings = PEER_SETTING.get(comp, {})
    # the chain of depth 5 that every tool ran; deeper chains go to the depth table
    ops = collections.OrderedDict((op, all_ops[op]) for op in
                                  MAIN_OPS + tuple(o + ' (process)' for o in MAIN_OPS) if op in all_ops)
    print()
    print('== compression %s: %s' % (comp, ', '.join('%s %s' % (t, settings.get(t, comp)) for t in TOOLS
                                                      if any(t in v for v in ops.values()))))
    print('%-40s %-7s %9s %9s %8s | %-17s' % ('operation', 'tool', 's', 'MB/s', 'RSS MiB', 'Ember/tool: time RSS'))
    for op, tools in ops.items():
        first = True
        ember = tools.get('ember')
        for tool in TOOLS:
            v = tools.get(tool)
            if v is None:
                continue
            secs, kb = v
            label = op if first else ''
            first = False
            if op == 'store MiB':
                cells = '%9s %9s %8s' % ('%d MiB' % secs, '', '')
                r = '' if tool == 'ember' or not ember else '%6.2f' % ratio(ember[0], secs)
            else:
                cells = '%9.2f %9.1f %8d' % (secs, ratio(size_mb, secs), kb // 1024)
                r = '' if tool == 'ember' or not ember else '%6.2f %6.2f' % (ratio(ember[0], secs), ratio(ember[1], kb))
            print('%-40s %-7s %s | %s' % (label, tool, cells, r))

# Ember's restore time vs chain depth
depth_rows = []
for comp, ops in data.items():
    for op, tools in ops.items():
        if op.startswith('restore depth ') and 'ember' in tools and '(process)' not in op:
            rest = op[len('restore depth '):]
            depth, _, mode = rest.partition(', ')
            depth_rows.append((comp, mode or 'MD5 check', int(depth), tools['ember']))
targets = []
if depth_rows:
    print()
    print('== Ember restore time vs chain depth (newest backup of a chain of 5%-changed incrementals)')
    print('%-20s %-10s %6s %9s %9s %8s %12s' % ('compression', 'restore', 'depth', 's', 'MB/s', 'RSS MiB', 'depth/depth1'))
    by = collections.OrderedDict()
    for comp, mode, depth, v in depth_rows:
        by.setdefault((comp, mode), []).append((depth, v))
    for (comp, mode), items in by.items():
        items.sort()
        if mode == 'MD5 check':  # the chain's incrementals beyond the depth-5 chain
            deeper = sorted(v[0] for op, t in data[comp].items() if 'ember' in t
                            for v in [t['ember']] if op.startswith('incremental #') and int(op[13:].split()[0]) > 5)
            if deeper:
                print('%-20s %-10s %6s %9s  incrementals #6..#%d (5%%): min %.2f s, median %.2f s, max %.2f s'
                      % (comp, 'backup', '', '', 5 + len(deeper), deeper[0], deeper[len(deeper) // 2], deeper[-1]))
        base = dict(items).get(1)
        for depth, (secs, kb) in items:
            rel = '%12.2f' % ratio(secs, base[0]) if base else '%12s' % '-'
            print('%-20s %-10s %6d %9.2f %9.1f %8d %s' % (comp, mode, depth, secs, ratio(size_mb, secs), kb // 1024, rel))
        if base and len(items) > 1:
            deepest, (secs, _) = items[-1]
            targets.append(('Ember restore depth %d / depth 1, %s, %s' % (deepest, comp, mode),
                            ratio(secs, base[0]), '<=', 1.20))

# the targets
for comp in data:
    if '/' in comp:
        continue
    e5, b5, c5 = (get(comp, 'restore depth 5', t) for t in ('ember', 'borg', 'cinder'))
    if e5 and b5:
        targets.append(('restore depth 5, Ember/borg, %s' % comp, ratio(e5[0], b5[0]), '<=', 0.7))
    if e5 and c5:
        targets.append(('restore depth 5, Cinder/Ember, %s' % comp, ratio(c5[0], e5[0]), '>=', 5))
    c5p = get(comp, 'restore depth 5 (process)', 'cinder')
    if e5 and c5p:  # with Cinder's Python start-up, as ember-cli's own start-up is counted
        targets.append(('restore depth 5, Cinder (process)/Ember, %s' % comp, ratio(c5p[0], e5[0]), '>=', 5))
    ef, bf = get(comp, 'full backup', 'ember'), get(comp, 'full backup', 'borg')
    if comp == 'zlib' and ef and bf:
        targets.append(('full backup zlib, Ember/borg (zlib,6)', ratio(ef[0], bf[0]), '<=', 0.8))
    changed = ('incremental, 5% changed', 'incremental #4 (5%)', 'incremental #5 (5%)')
    for peer in ('borg', 'restic', 'cinder'):
        for name, ops in (('incremental, unchanged', ('incremental, unchanged',)),
                          ('incrementals 5% changed (#3..#5, summed)', changed)):
            e = [get(comp, op, 'ember') for op in ops]
            p = [get(comp, op, peer) for op in ops]
            if all(e) and all(p):
                targets.append(('%s, %s/Ember, %s' % (name, peer, comp),
                                ratio(sum(v[0] for v in p), sum(v[0] for v in e)), '>=', 3))
# The reference is borg's default, lz4 (the none table's borg run), and
# ember_restore_md5 = skip is the documented choice where the MD5 is the bottleneck.
borg_lz4_restore = get('none', 'restore depth 5', 'borg') if 'none' in data else None
borg_lz4_full = get('none', 'full backup', 'borg') if 'none' in data else None
for comp in data:
    if '/' in comp:
        continue
    e5, es = get(comp, 'restore depth 5', 'ember'), get(comp, 'restore depth 5, MD5 skip', 'ember')
    b5, c5 = get(comp, 'restore depth 5', 'borg'), get(comp, 'restore depth 5', 'cinder')
    if borg_lz4_restore and e5 and comp != 'none':
        targets.append(('restore depth 5, Ember/borg lz4, %s' % comp, ratio(e5[0], borg_lz4_restore[0]), '<=', 0.7))
    if es and b5:
        targets.append(('restore depth 5 (MD5 skip), Ember/borg, %s' % comp, ratio(es[0], b5[0]), '<=', 0.7))
    if es and borg_lz4_restore and comp != 'none':
        targets.append(('restore depth 5 (MD5 skip), Ember/borg lz4, %s' % comp, ratio(es[0], borg_lz4_restore[0]), '<=', 0.7))
    if es and c5:
        targets.append(('restore depth 5 (MD5 skip), Cinder/Ember, %s' % comp, ratio(c5[0], es[0]), '>=', 5))
    ef = get(comp, 'full backup', 'ember')
    if comp == 'zlib' and ef and borg_lz4_full:
        targets.append(('full backup zlib, Ember/borg lz4', ratio(ef[0], borg_lz4_full[0]), '<=', 0.8))
if targets:
    print()
    print('== Targets')
    for name, value, sense, limit in targets:
        met = value <= limit if sense == '<=' else value >= limit
        print('%-64s %7.2f  (target %s %g)  %s' % (name, value, sense, limit, 'MET' if met else 'NOT MET'))
