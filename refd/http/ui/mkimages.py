#!/usr/bin/python3
"""mkimages.py — draws refd's web UI images (images/*.png, *.gif).

The images are refd's own, drawn here from shapes and a small bitmap font
with nothing but the standard library, so that anyone can change and
redraw them: python3 mkimages.py (in this directory). The output is
committed; the build embeds it (ui.cmake) and does not run this script.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- colours -------------------------------------------------------------
SLATE = (31, 45, 61)
TEAL = (42, 157, 143)
WHITE = (255, 255, 255)
GREY = (138, 148, 158)
GREEN = (46, 160, 67)
AMBER = (233, 168, 38)
RED = (207, 34, 46)
MIST = (214, 226, 232)

# ---- a 5x7 bitmap font: just the letters the banner needs ----------------
FONT = {
    "r": ["00000", "00000", "10110", "11001", "10000", "10000", "10000"],
    "e": ["00000", "00000", "01110", "10001", "11111", "10000", "01110"],
    "f": ["00110", "01001", "01000", "11100", "01000", "01000", "01000"],
    "d": ["00001", "00001", "01101", "10011", "10001", "10011", "01101"],
    "p": ["00000", "00000", "11110", "10001", "11110", "10000", "10000"],
    "o": ["00000", "00000", "01110", "10001", "10001", "10001", "01110"],
    "c": ["00000", "00000", "01110", "10000", "10000", "10001", "01110"],
    "s": ["00000", "00000", "01111", "10000", "01110", "00001", "11110"],
    "n": ["00000", "00000", "10110", "11001", "10001", "10001", "10001"],
    "t": ["01000", "01000", "11100", "01000", "01000", "01001", "00110"],
    "l": ["01100", "00100", "00100", "00100", "00100", "00100", "01110"],
    " ": ["00000"] * 7,
}


class Canvas:
    """RGBA pixels; shapes are drawn with 4x4 supersampling."""

    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = [[(0, 0, 0, 0)] * w for _ in range(h)]

    def blend(self, x, y, rgb, cover):
        if not (0 <= x < self.w and 0 <= y < self.h) or cover <= 0:
            return
        r, g, b, a = self.px[y][x]
        na = cover + a / 255.0 * (1 - cover)
        if na <= 0:
            return
        mix = [(c * cover + o * (a / 255.0) * (1 - cover)) / na for c, o in zip(rgb, (r, g, b))]
        self.px[y][x] = (round(mix[0]), round(mix[1]), round(mix[2]), round(na * 255))

    def shape(self, inside, rgb, box=None):
        x0, y0, x1, y1 = box or (0, 0, self.w, self.h)
        for y in range(max(0, y0), min(self.h, y1)):
            for x in range(max(0, x0), min(self.w, x1)):
                hits = sum(inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)
                           for i in range(4) for j in range(4))
                self.blend(x, y, rgb, hits / 16.0)

    def circle(self, cx, cy, r, rgb):
        self.shape(lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r, rgb,
                   (int(cx - r - 1), int(cy - r - 1), int(cx + r + 2), int(cy + r + 2)))

    def ring(self, cx, cy, r0, r1, rgb):
        self.shape(lambda x, y: r0 * r0 <= (x - cx) ** 2 + (y - cy) ** 2 <= r1 * r1, rgb,
                   (int(cx - r1 - 1), int(cy - r1 - 1), int(cx + r1 + 2), int(cy + r1 + 2)))

    def rect(self, x0, y0, x1, y1, rgb):
        for y in range(y0, y1):
            for x in range(x0, x1):
                self.blend(x, y, rgb, 1.0)

    def text(self, x, y, s, scale, rgb):
        for ch in s:
            rows = FONT[ch]
            for j, row in enumerate(rows):
                for i, bit in enumerate(row):
                    if bit == "1":
                        self.rect(x + i * scale, y + j * scale,
                                  x + (i + 1) * scale, y + (j + 1) * scale, rgb)
            x += 6 * scale
        return x


# ---- encoders --------------------------------------------------------------
def write_png(path, cv):
    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in cv.px)

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", cv.w, cv.h, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def lzw(indices, min_code):
    """GIF's variable-length LZW, as a byte string of sub-blocks."""
    clear, end = 1 << min_code, (1 << min_code) + 1
    table = {(i,): i for i in range(clear)}
    nxt, size = end + 1, min_code + 1
    out, acc, nbits = bytearray(), 0, 0

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    emit(clear)
    cur = ()
    for k in indices:
        seq = cur + (k,)
        if seq in table:
            cur = seq
            continue
        emit(table[cur])
        if nxt < 4096:
            table[seq] = nxt
            nxt += 1
            if nxt > (1 << size) and size < 12:
                size += 1
        else:
            emit(clear)
            table = {(i,): i for i in range(clear)}
            nxt, size = end + 1, min_code + 1
        cur = (k,)
    if cur:
        emit(table[cur])
    emit(end)
    if nbits:
        out.append(acc & 0xFF)
    blocks = bytearray()
    for i in range(0, len(out), 255):
        part = out[i:i + 255]
        blocks.append(len(part))
        blocks += part
    return bytes(blocks) + b"\x00"


def write_gif(path, cv, background):
    """Pixels over `background` (half-covered edges blend into it); fully
    clear pixels become the transparent index 0."""
    palette, index = [(0, 0, 0)], {}
    pixels = []
    for row in cv.px:
        for r, g, b, a in row:
            if a < 8:
                pixels.append(0)
                continue
            f = a / 255.0
            rgb = tuple(round(c * f + bg * (1 - f)) for c, bg in zip((r, g, b), background))
            rgb = tuple(c & 0xF8 for c in rgb)     # few enough colours for 256
            if rgb not in index:
                index[rgb] = len(palette)
                palette.append(rgb)
            pixels.append(index[rgb])
    if len(palette) > 256:
        raise SystemExit("%s: too many colours" % path)
    bits = max(1, (len(palette) - 1).bit_length())
    while len(palette) < (1 << bits):
        palette.append((0, 0, 0))
    gif = b"GIF89a" + struct.pack("<HHBBB", cv.w, cv.h, 0x80 | (bits - 1), 0, 0)
    gif += bytes(c for p in palette for c in p)
    gif += b"\x21\xf9\x04\x01\x00\x00\x00\x00"          # index 0 is transparent
    gif += b"\x2c" + struct.pack("<HHHHB", 0, 0, cv.w, cv.h, 0)
    gif += bytes([max(2, bits)]) + lzw(pixels, max(2, bits)) + b"\x3b"
    with open(path, "wb") as f:
        f.write(gif)


# ---- the images ------------------------------------------------------------
def mark(cv, cx, cy, r):
    """refd's mark: a ring (the supervisor) around a dot (its process)."""
    cv.circle(cx, cy, r, TEAL)
    cv.ring(cx, cy, r * 0.52, r * 0.70, WHITE)
    cv.circle(cx, cy, r * 0.26, WHITE)


def main():
    out = os.path.join(HERE, "images")
    os.makedirs(out, exist_ok=True)

    icon = Canvas(32, 32)
    mark(icon, 16, 16, 15.5)
    write_png(os.path.join(out, "icon.png"), icon)

    banner = Canvas(348, 48)
    mark(banner, 24, 24, 20)
    x = banner.text(56, 6, "refd", 4, WHITE)
    banner.text(x + 8, 26, "process control", 2, MIST)
    write_gif(os.path.join(out, "supervisor.gif"), banner, SLATE)

    rule = Canvas(8, 4)
    rule.rect(0, 0, 8, 1, TEAL)
    rule.rect(0, 1, 4, 2, TEAL)
    write_gif(os.path.join(out, "rule.gif"), rule, WHITE)

    for n, colour in enumerate((GREY, GREEN, AMBER, RED)):
        dot = Canvas(12, 12)
        dot.circle(6, 6, 4.5, colour)
        write_gif(os.path.join(out, "state%d.gif" % n), dot, WHITE)


if __name__ == "__main__":
    main()
