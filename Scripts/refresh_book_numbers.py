#!/usr/bin/env python3
"""Rewrites every number tagged `<!-- csv FILE KEY [COLUMN] [percent] -->` in Book.md with the
value in FILE, keeping the number of decimals (or the e-notation) the book prints.

Run it after regenerating a chapter's figures, then reread the sentences around the numbers that
changed: the script prints each change, and the text must still say what the numbers say.
BookTests checks the result. Needs nothing but Python 3."""
import csv
import re
import sys

TAG = re.compile(r'(-?[0-9][0-9,]*(?:\.[0-9]+)?(?:e-?[0-9]+)?|[A-Z_]+)([%×]?)<!-- csv (\S+) (\S+)((?: (?!-->)\S+)*) -->')


def value(file, key, extras):
    percent = 'percent' in extras
    column = next((e for e in extras if e != 'percent'), 'value')
    with open(file, newline='') as f:
        rows = list(csv.reader(f))
    c = rows[0].index(column)
    row = next(r for r in rows[1:] if r[0] == key)
    return float(row[c]) * (100 if percent else 1)


def formatted(x, like):
    if like.isupper() or like.startswith('NINETY'):
        like = '0'                     # a placeholder: a whole number
    if 'e' in like:
        mantissa = like.split('e')[0]
        decimals = len(mantissa.split('.')[1]) if '.' in mantissa else 0
        return f'{x:.{decimals}e}'.replace('e-0', 'e-').replace('e+0', 'e').replace('e+', 'e')
    decimals = len(like.split('.')[1]) if '.' in like else 0
    text = f'{x:,.{decimals}f}' if ',' in like else f'{x:.{decimals}f}'
    return text


def main(path='Book.md'):
    book = open(path).read()

    def replace(m):
        old, suffix, file, key, extras = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5).split()
        new = formatted(value(file, key, extras), old)
        if new != old:
            print(f'{file} {key}: {old} → {new}')
        return f'{new}{suffix}<!-- csv {file} {key}{m.group(5)} -->'

    updated = TAG.sub(replace, book)           # every value is read before the file is touched
    open(path, 'w').write(updated)


if __name__ == '__main__':
    main(*sys.argv[1:])
