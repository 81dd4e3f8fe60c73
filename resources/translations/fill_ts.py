#!/usr/bin/env python3
"""Fills ember_zh_CN.ts and ember_en.ts (plural forms) from zh_CN_strings.py.

Usage: cmake --build BUILD --target update_translations && python3 fill_ts.py
Prints the source texts that still lack a translation."""
import os
import re
import sys
import xml.etree.ElementTree as ET

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from zh_CN_strings import EN_PLURALS, ZH  # noqa: E402

path = os.path.join(here, 'ember_zh_CN.ts')
tree = ET.parse(path)
missing = []
for message in tree.getroot().iter('message'):
    source = message.find('source').text or ''
    accel = re.search(r'&(\w)', source)
    key = source.replace('&', '') if accel else source
    ellipsis = key.endswith('…')
    key = key.rstrip('…')
    text = ZH.get(key)
    translation = message.find('translation')
    if text is None:
        missing.append(source)
        continue
    if accel:
        marker = '(&%s)' % accel.group(1).upper()
        text = text[:-1] + marker + text[-1] if text.endswith(':') else text + marker
    if ellipsis:
        text += '…'
    for child in list(translation):
        translation.remove(child)
    translation.attrib.pop('type', None)
    if message.get('numerus') == 'yes':
        translation.text = None
        form = ET.SubElement(translation, 'numerusform')
        form.text = text
    else:
        translation.text = text
ET.indent(tree, space='    ')
with open(path, 'wb') as out:
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
    tree.write(out, encoding='utf-8')

# English: only the plural forms of the %n messages.
path = os.path.join(here, 'ember_en.ts')
tree = ET.parse(path)
# English needs only its plural forms: lupdate adds every message, so drop the
# others (and the contexts left empty) to keep the file to what a reviewer checks.
for context in list(tree.getroot().iter('context')):
    for message in context.findall('message'):
        if message.get('numerus') != 'yes':
            context.remove(message)
    if context.find('message') is None:
        tree.getroot().remove(context)
for message in tree.getroot().iter('message'):
    source = message.find('source').text or ''
    forms = EN_PLURALS.get(source)
    if forms is None:
        missing.append('en: ' + source)
        continue
    translation = message.find('translation')
    for child in list(translation):
        translation.remove(child)
    translation.attrib.pop('type', None)
    translation.text = None
    for text in forms:
        ET.SubElement(translation, 'numerusform').text = text
ET.indent(tree, space='    ')
with open(path, 'wb') as out:
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
    tree.write(out, encoding='utf-8')
for source in missing:
    print('untranslated:', repr(source))
sys.exit(1 if missing else 0)
