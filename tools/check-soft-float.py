#!/usr/bin/python3
"""Proves that a firmware image runs its model without floating point.

Walks the call graph of a linked ARM image, as arm-none-eabi-objdump shows it,
from the interpreter's Invoke() and from the Eval function of every kernel the
image registers, and fails if a software floating-point routine is reachable.
Float is allowed in Prepare (run once, by AllocateTensors()): Prepare
functions are not roots.

    tools/check-soft-float.py IMAGE.elf [--objdump arm-none-eabi-objdump] [--list]
    tools/check-soft-float.py --dump DUMP.txt     (objdump output saved before)

Exit status 0: nothing reachable; prints the number of reachable functions.
1: prints, per kernel, the soft-float routines its Eval reaches, and one
shortest call path to each routine, e.g.
    __aeabi_fmul: ember::Interpreter::Invoke()
      -> (eval of kSoftmax) ember::kernels::(anonymous namespace)::Eval(...) [softmax.cc]
      -> __aeabi_fmul
2: the input is unusable (no Invoke in the image, objdump failed).

The call graph
--------------
Functions are the symbol table's (`objdump -t`): type F with its size; an
unsized function, or an untyped label in a code section (assembly), runs to
the next symbol. Edges, from `objdump -d`:
  * direct branches into another function: bl, blx <imm>, b, b.n, b.w,
    b<cond>, cbz/cbnz (calls and tail calls);
  * running off the end of a function into the next one (assembly routines
    share code that way), unless it ends with an unconditional branch, a
    return, an indirect jump or data (trailing nop padding is skipped);
  * indirect calls and jumps (blx rN, bx rN other than bx lr, mov/add/ldr to
    pc): once the walk meets one, it may reach every address-taken function.
    Addresses stored as data are found through the image's R_ARM_ABS32
    relocations (link with -Wl,--emit-relocs; without them, every data word
    of the loaded sections that looks like a code pointer counts, which
    over-approximates: weights can look like pointers):
      - in data (vtables, so ErrorReporter::Report overrides; tables;
        initialised pointers): always address-taken;
      - in a literal pool: address-taken once the function that loads it is
        reachable (a callback handed to the C library by reachable code, a
        pointer Eval picks). A pointer that only unreachable code loads --
        Prepare passing a float function to a table-filling helper -- is not.
        Limitation: so a code pointer that Prepare stores in op data for
        Eval to call is not followed (the Ember kernels linked so far keep
        no code pointers in op data).
    Never indirect targets: pointers in the interrupt vector table and the
    start-up/shut-down arrays (.isr_vector, .preinit_array, .init_array,
    .fini_array), and both function slots of the Kernel tables (Invoke's
    call through `eval` is the eval roots below; `prepare` is not called
    from Invoke).
Roots: ember::Interpreter::Invoke() and the `eval` slot of every Kernel table
in the image (the global objects ember::kernels::k*: {op, name, prepare,
eval}, eval being the last word, read from the image's contents). An
application links only the kernels it registers with its resolver, so these
are the kernels its model uses.

Soft-float routines (SOFT_FLOAT_PATTERNS, each matched against whole symbol
names):
  * ARM run-time ABI helpers: __aeabi_f* and __aeabi_d* (fadd, fsub, frsub,
    fmul, fdiv, fneg, fcmpeq/lt/le/ge/gt/un, f2iz, f2uiz, f2lz, f2ulz, f2d,
    f2h and the double forms, d2f, ...), conversions to float, double or half
    __aeabi_*2f / *2d / *2h (i2f, ui2f, l2f, ul2f, i2d, ...), __aeabi_h2f*,
    and the flag-setting compares __aeabi_cfcmpeq/cfcmple/cfrcmple and
    __aeabi_cdcmpeq/cdcmple/cdrcmple;
  * libgcc's generic names (soft-fp and fp-bit) for every float format X
    (s single, d double, h half, b bfloat16, t/x/k/i quad or extended):
    __addXf3 __subXf3 __mulXf3 __divXf3 __negXf2, __eqXf2 __neXf2 __geXf2
    __gtXf2 __ltXf2 __leXf2 __unordXf2 __cmpXf2, __extendXfYf2 __truncXfYf2,
    __fix[uns]XfYi, __float[un]YiXf, __powiXf2, __mulXc3 __divXc3, and the
    ARM half-precision helpers __gnu_f2h_ieee, __gnu_h2f_ieee,
    __gnu_f2h_alternative, __gnu_h2f_alternative, __gnu_d2h_*;
  * fp-bit internals: __pack_f, __unpack_d, __fpcmp_parts_f, _fpadd_parts,
    _fpmul_parts, _fpdiv_parts, __thenan_sf, __make_fp, ...;
  * float code the C library may write with integer instructions only: the
    libm entry points (sqrtf, expf, floorf, roundf, fmaxf, ... and the double
    forms), newlib's __ieee754_*, __kernel_*, __math_*, and the float parts
    of stdio/stdlib (_printf_float, _scanf_float, _dtoa_r, _strtod_r,
    strtof, atof, ...).
"""

import argparse
import bisect
import re
import subprocess
import sys
from collections import deque

_FP = r"(?:s|d|h|b|t|x|k|i)"  # float formats in libgcc's names
SOFT_FLOAT_PATTERNS = [
    # ARM RTABI floating-point helpers.
    r"__aeabi_[fd]\w+",
    r"__aeabi_\w+2[fdh]",
    r"__aeabi_h2f\w*",
    r"__aeabi_c[fd]r?cmp\w*",
    # libgcc soft-fp / fp-bit entry points.
    rf"__(?:add|sub|mul|div){_FP}f3",
    rf"__neg{_FP}f2",
    rf"__(?:eq|ne|ge|gt|lt|le|unord|cmp){_FP}f2",
    rf"__(?:extend|trunc){_FP}f{_FP}f2",
    rf"__fix(?:uns)?{_FP}f[sdt]i",
    rf"__float(?:un)?[sdt]i{_FP}f",
    rf"__powi{_FP}f2",
    rf"__(?:mul|div){_FP}c3",
    r"__gnu_[fdh]2[fdh](?:_ieee|_alternative|_internal)?",
    # fp-bit.c internals.
    r"__(?:un)?pack_[fdt]",
    r"__fpcmp_parts_[fdt]",
    r"_fp(?:add|mul|div)_parts",
    r"__thenan_[sdt]f",
    r"__make_[fd]p",
    # C library float code (may be written with integer instructions only).
    r"(?:sqrt|cbrt|exp|exp2|expm1|log|log2|log10|log1p|pow|sin|cos|tan|asin|acos|atan|atan2"
    r"|sinh|cosh|tanh|asinh|acosh|atanh|floor|ceil|round|lround|llround|rint|lrint|llrint"
    r"|nearbyint|trunc|fmod|remainder|remquo|modf|frexp|ldexp|scalbn|scalbln|fabs|fmax|fmin|fdim"
    r"|fma|hypot|erf|erfc|tgamma|lgamma|copysign|nan|nextafter)f?",
    r"__ieee754_\w+",
    r"__kernel_\w+",
    r"__math_\w+",
    r"_printf_float|_scanf_float|_dtoa_r|__dtoa|_strto[dfl]d?_r|strto[dfl]d?|atof|_atof_r",
]
SOFT_FLOAT_RE = re.compile("|".join(f"(?:{p})" for p in SOFT_FLOAT_PATTERNS))

INVOKE_SYMBOL = "_ZN5ember11Interpreter6InvokeEv"
# const Kernel ember::kernels::kConv2d = {op, name, prepare, eval};
KERNEL_TABLE_RE = re.compile(r"_ZN5ember7kernels\d+(k\w+)E")
KERNEL_TABLE_MIN_BYTES = 16
# Function pointers here are not called from Invoke.
NOT_FROM_INVOKE_SECTIONS = {".isr_vector", ".preinit_array", ".init_array", ".fini_array"}


# ---- objdump output -------------------------------------------------------

class Dump:
    """The parts of `objdump -h`, `-t`, `-r`, `-s` and `-d` output the walk uses."""

    SECTION_RE = re.compile(r"^\s*\d+\s+(\S+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+[0-9a-fA-F]+")
    SYMBOL_RE = re.compile(r"^([0-9a-fA-F]{8,16}) (.{7}) (\S+)\s+([0-9a-fA-F]+) (.*)$")
    RELOC_RE = re.compile(r"^([0-9a-fA-F]+) (R_\w+)\s+(.*)$")
    CONTENTS_RE = re.compile(r"^ ([0-9a-fA-F]+) ((?:[0-9a-fA-F]{2,8} ){1,4})")
    INSN_RE = re.compile(r"^\s*([0-9a-fA-F]+):\s+(?:[0-9a-fA-F]{4,8}(?: [0-9a-fA-F]{4})?\s+)?"
                         r"([.\w]+)\s*(.*)$")

    def __init__(self):
        self.sections = {}  # name -> (vma, size, flags)
        self.symbols = []
        self.relocs = []  # (section, offset, type)
        self.memory = {}
        self.instructions = []

    def parse(self, text):
        mode, section, pending = None, None, None
        for line in text.splitlines():
            if line.startswith("Sections:"):
                mode = "headers"
            elif line.startswith("SYMBOL TABLE:"):
                mode = "symbols"
            elif line.startswith("RELOCATION RECORDS FOR ["):
                mode, section = "relocs", line[len("RELOCATION RECORDS FOR ["):].rstrip("]:")
            elif line.startswith("Contents of section "):
                mode, section = "contents", line[len("Contents of section "):].rstrip(":")
            elif line.startswith("Disassembly of section "):
                mode = "code"
            elif mode == "headers":
                match = self.SECTION_RE.match(line)
                if match:
                    pending = match
                elif pending is not None:
                    name, size, vma = pending.groups()
                    self.sections[name] = (int(vma, 16), int(size, 16), line.strip())
                    pending = None
            elif mode == "symbols":
                self._symbol(line)
            elif mode == "relocs":
                match = self.RELOC_RE.match(line)
                if match:
                    self.relocs.append((section, int(match.group(1), 16), match.group(2)))
            elif mode == "contents":
                match = self.CONTENTS_RE.match(line)
                if match:
                    address = int(match.group(1), 16)
                    data = bytes.fromhex("".join(match.group(2).split()))
                    for offset, value in enumerate(data):
                        self.memory[address + offset] = value
            elif mode == "code":
                match = self.INSN_RE.match(line)
                if match and not line.rstrip().endswith(">:"):
                    address, mnemonic, operands = match.groups()
                    operands = operands.split(";")[0].split("@")[0].strip()
                    self.instructions.append(Instruction(int(address, 16), mnemonic.lower(),
                                                         operands))
        self.instructions.sort(key=lambda i: i.address)
        return self

    _file = None

    def _symbol(self, line):
        match = self.SYMBOL_RE.match(line)
        if not match:
            return
        address, flags, section, size, name = match.groups()
        name = name.strip()
        if name.startswith(".hidden "):
            name = name[len(".hidden "):]
        kind = flags[6]
        if kind == "f":  # a FILE symbol: the local symbols after it come from that file
            self._file = name
            return
        if flags[5] in "dD" or not name or name.startswith("$") or section.startswith("*"):
            return  # debugging, mapping ($t, $d), absolute and undefined symbols
        is_global = flags[0] in "gu!"
        value = int(address, 16) & (~1 if kind == "F" else ~0)  # Thumb bit
        self.symbols.append(Symbol(value, int(size, 16), kind if kind in "FO" else " ", section,
                                   name, None if is_global else self._file, is_global))

    def word(self, address):
        try:
            return int.from_bytes(bytes(self.memory[address + i] for i in range(4)), "little")
        except KeyError:
            return None


class Symbol:
    def __init__(self, address, size, kind, section, name, file, is_global):
        self.address, self.size, self.kind, self.section = address, size, kind, section
        self.name, self.file, self.is_global = name, file, is_global


class Instruction:
    __slots__ = ("address", "mnemonic", "operands")

    def __init__(self, address, mnemonic, operands):
        self.address, self.mnemonic, self.operands = address, mnemonic, operands

    @property
    def is_data(self):
        return self.mnemonic.startswith(".")

    @property
    def is_padding(self):
        return self.mnemonic == "nop" or (self.mnemonic == "mov" and
                                          self.operands.replace(" ", "") == "r8,r8")


# ---- the call graph -------------------------------------------------------

TARGET_RE = re.compile(r"^(?:[^,]*,\s*)?([0-9a-fA-F]+)(?:\s+<[^>]*>)?$")
DIRECT_BRANCH_RE = re.compile(
    r"(?:bl|blx|b|b(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)|cbz|cbnz)(?:\.[nw])?")
UNCONDITIONAL_BRANCH_RE = re.compile(r"(?:b|udf)(?:\.[nw])?")


def direct_target(insn):
    if not DIRECT_BRANCH_RE.fullmatch(insn.mnemonic):
        return None
    match = TARGET_RE.match(insn.operands)
    return int(match.group(1), 16) if match else None


def is_indirect(insn):
    """An indirect call or jump (a return, bx lr, is not one)."""
    mnemonic, operands = insn.mnemonic.split(".")[0], insn.operands.replace(" ", "")
    if mnemonic in ("blx", "bx"):
        return re.fullmatch(r"r\d+|ip|sb|sl|fp", operands) is not None
    return mnemonic in ("mov", "add", "ldr") and operands.startswith("pc,")


class Function:
    def __init__(self, start, end, names, file):
        self.start, self.end, self.names, self.file = start, end, names, file
        self.instructions = []

    @property
    def soft_float_name(self):
        return next((n for n in self.names if SOFT_FLOAT_RE.fullmatch(n)), None)

    @property
    def name(self):
        return self.soft_float_name or self.names[0]

    def falls_through(self):
        body = [i for i in self.instructions if not i.is_padding]
        if not body:
            return False
        last = body[-1]
        mnemonic, operands = last.mnemonic.split(".")[0], last.operands.replace(" ", "")
        if last.is_data or UNCONDITIONAL_BRANCH_RE.fullmatch(last.mnemonic) or is_indirect(last):
            return False
        if mnemonic == "bx" or (mnemonic in ("pop", "ldm", "ldmia") and "pc" in operands):
            return False
        return True


class Image:
    def __init__(self, dump):
        self.dump = dump
        symbols = dump.symbols
        code_sections = {s.section for s in symbols if s.kind == "F"}
        boundaries = {}
        for s in symbols:
            boundaries.setdefault(s.section, set()).add(s.address)
        boundaries = {k: sorted(v) for k, v in boundaries.items()}
        by_start = {}
        for s in symbols:
            if s.kind == "F" or (s.kind == " " and s.section in code_sections):
                by_start.setdefault(s.address, []).append(s)
        self.functions = []
        for start, entries in sorted(by_start.items()):
            entries.sort(key=lambda s: (not s.is_global, s.kind != "F", s.name))
            size = max(s.size for s in entries)
            if size == 0:  # unsized: up to the next symbol
                later = boundaries[entries[0].section]
                index = bisect.bisect_right(later, start)
                size = later[index] - start if index < len(later) else 2
            file = next((s.file for s in entries if s.file), None)
            self.functions.append(Function(start, start + size, [s.name for s in entries], file))
        self.starts = [f.start for f in self.functions]
        self.by_start = {f.start: f for f in self.functions}
        self.code = []
        for insn in dump.instructions:
            function = self.containing(insn.address)
            if function is not None:
                function.instructions.append(insn)
            if not insn.is_data:
                self.code.append(insn.address)

    def containing(self, address):
        index = bisect.bisect_right(self.starts, address) - 1
        if index < 0:
            return None
        function = self.functions[index]
        return function if address < function.end else None

    def function_at(self, pointer):
        """The function a stored code pointer (Thumb bit set) designates, or None."""
        if pointer is None or pointer & 1 == 0:
            return None
        return self.by_start.get(pointer & ~1)

    def is_code(self, address):
        index = bisect.bisect_left(self.code, address)
        return index < len(self.code) and self.code[index] < address + 4

    def holder(self, address):
        """Name of the object or function holding `address`."""
        for s in self.dump.symbols:
            if s.kind == "O" and s.address <= address < s.address + max(s.size, 1):
                return s.name
        function = self.containing(address)
        return function.name if function is not None else f"{address:#x}"

    def kernel_tables(self):
        """[(table name, eval function, address of its prepare slot)]."""
        tables = []
        for s in self.dump.symbols:
            match = KERNEL_TABLE_RE.fullmatch(s.name)
            if s.kind == "O" and match and s.size >= KERNEL_TABLE_MIN_BYTES:
                evaluate = self.function_at(self.dump.word(s.address + s.size - 4))
                if evaluate is not None:
                    tables.append((match.group(1), evaluate, s.address + s.size - 8))
        return tables

    def stored_pointer_slots(self):
        """Addresses of the words that may hold function pointers, and whether
        relocations told them (else: every data word of the loaded sections)."""
        relocated = [(self.dump.sections[section][0] + offset) for section, offset, kind
                     in self.dump.relocs
                     if kind in ("R_ARM_ABS32", "R_ARM_TARGET1") and section in self.dump.sections
                     and "ALLOC" in self.dump.sections[section][2]
                     and section not in NOT_FROM_INVOKE_SECTIONS]
        if any(kind == "R_ARM_ABS32" for _, _, kind in self.dump.relocs):
            return relocated, True
        slots = []
        for name, (vma, size, flags) in self.dump.sections.items():
            if "ALLOC" in flags and name not in NOT_FROM_INVOKE_SECTIONS:
                slots += [a for a in range((vma + 3) & ~3, vma + size - 3, 4)
                          if not self.is_code(a)]
        return slots, False


def analyze(image, extra_roots=()):
    tables = image.kernel_tables()
    # Invoke's call through Kernel::eval is modelled by the eval roots, and
    # Prepare is not called from Invoke: neither slot is an indirect target.
    table_slots = {slot + delta for _, _, slot in tables for delta in (0, 4)}
    slots, from_relocations = image.stored_pointer_slots()
    stored_in_data = {}  # start -> (function, holder): vtables, tables, initialised data
    loaded_by_code = {}  # start of the loading function -> {start: (function, holder)}
    for slot in slots:
        target = image.function_at(image.dump.word(slot))
        if slot in table_slots or target is None:
            continue
        loader = image.containing(slot)
        if loader is None:
            stored_in_data.setdefault(target.start, (target, image.holder(slot)))
        else:  # a literal pool: the address is taken only when that code runs
            loaded_by_code.setdefault(loader.start, {}).setdefault(
                target.start, (target, loader.name))
    roots = [f for f in image.functions if INVOKE_SYMBOL in f.names or
             any(r in f.names for r in extra_roots)]
    indirect_sites = set()
    address_taken = {}

    def walk(starts):
        """Breadth-first from [(function, caller, note)]: ({start: caller}, {start: note})."""
        parent, note, queue = {}, {}, deque()
        targets = dict(stored_in_data)  # what an indirect call may reach so far
        indirect = []  # one reachable indirect call site, once there is one

        def reach(function, caller, why=None):
            if function.start in parent:
                return
            parent[function.start] = caller.start if caller is not None else None
            if why:
                note[function.start] = why
            queue.append(function)
            for start, entry in loaded_by_code.get(function.start, {}).items():
                if start not in targets:
                    targets[start] = entry
                    if indirect:
                        reach(entry[0], indirect[0], f"indirect call; address taken in {entry[1]}")

        for function, caller, why in starts:
            reach(function, caller, why)
        while queue:
            function = queue.popleft()
            if function.soft_float_name:
                continue  # a finding; what it calls in turn does not matter
            for insn in function.instructions:
                target = direct_target(insn)
                if target is not None:
                    callee = image.containing(target)
                    if callee is not None and callee is not function:
                        reach(callee, function)
                elif is_indirect(insn):
                    indirect_sites.add(insn.address)
                    if not indirect:
                        indirect.append(function)
                        for target_function, holder in list(targets.values()):
                            reach(target_function, function,
                                  f"indirect call; address taken in {holder}")
            if function.falls_through():
                following = image.by_start.get(function.end)
                if following is not None:
                    reach(following, function, "falls through")
        if indirect:
            address_taken.update(targets)
        return parent, note

    invoke = roots[0] if roots else None
    parent, note = walk([(f, None, None) for f in roots] +
                        [(evaluate, invoke, f"eval of {table}") for table, evaluate, _ in tables])
    per_kernel = []
    for table, evaluate, _ in tables:
        reached, _ = walk([(evaluate, None, None)])
        per_kernel.append((table, evaluate, sorted(
            {image.by_start[a].soft_float_name for a in reached} - {None})))
    reachable = [image.by_start[a] for a in parent]
    return {
        "roots": roots,
        "tables": tables,
        "reachable": reachable,
        "parent": parent,
        "note": note,
        "findings": [f for f in reachable if f.soft_float_name],
        "per_kernel": per_kernel,
        "indirect_sites": indirect_sites,
        "address_taken": address_taken,
        "from_relocations": from_relocations,
    }


# ---- output ---------------------------------------------------------------

def demangle(names, cxxfilt):
    names = sorted(set(names))
    try:
        result = subprocess.run([cxxfilt], input="\n".join(names) + "\n", capture_output=True,
                                text=True, check=True)
        lines = result.stdout.splitlines()
        if len(lines) == len(names):
            return dict(zip(names, lines))
    except (OSError, subprocess.CalledProcessError):
        pass
    return {n: n for n in names}


def describe(function, names, why=None):
    text = names.get(function.name, function.name)
    if function.file:
        text += f" [{function.file}]"
    return f"({why}) {text}" if why else text


def call_path(result, function):
    chain, address = [], function.start
    while address is not None:
        chain.append(address)
        address = result["parent"][address]
    return chain[::-1]


def objdump_image(objdump, elf):
    def run(args):
        try:
            return subprocess.run([objdump, *args, elf], capture_output=True, text=True,
                                  check=True).stdout
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"check-soft-float: ERROR: {objdump} {' '.join(args)} {elf}: {error}",
                  file=sys.stderr)
            sys.exit(2)

    headers = run(["-h"])
    loaded = Dump().parse(headers).sections
    loaded = [n for n, (_, _, flags) in loaded.items() if "ALLOC" in flags and "CONTENTS" in flags]
    contents = run(["-s"] + [a for n in loaded for a in ("-j", n)]) if loaded else ""
    return "\n".join([headers, run(["-t"]), run(["-r"]), contents,
                      run(["-d", "--no-show-raw-insn"])])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Fails if a soft-float routine is reachable from Invoke or a kernel's Eval.",
        epilog="The top of this file says how the call graph is built.")
    parser.add_argument("elf", nargs="?", help="linked ARM image (best linked with --emit-relocs)")
    parser.add_argument("--dump", help="saved output of objdump -h, -t, -r, -s and -d instead")
    parser.add_argument("--objdump", default="arm-none-eabi-objdump")
    parser.add_argument("--cxxfilt", default="arm-none-eabi-c++filt")
    parser.add_argument("--root", action="append", default=[],
                        help="one more root, by mangled name")
    parser.add_argument("--list", action="store_true", help="print every reachable function")
    args = parser.parse_args(argv)
    if bool(args.elf) == bool(args.dump):
        parser.error("give an image or --dump")
    if args.dump:
        with open(args.dump) as f:
            text = f.read()
    else:
        text = objdump_image(args.objdump, args.elf)

    image = Image(Dump().parse(text))
    result = analyze(image, args.root)
    if not result["roots"]:
        print(f"check-soft-float: ERROR: {INVOKE_SYMBOL} (ember::Interpreter::Invoke()) is not "
              "in the image", file=sys.stderr)
        return 2
    names = demangle([f.name for f in result["reachable"]], args.cxxfilt)
    tables = ", ".join(t for t, _, _ in result["tables"]) or "none"
    summary = (f"roots: Invoke and the Eval of {len(result['tables'])} kernels ({tables}); "
               f"{len(result['indirect_sites'])} indirect call sites may reach "
               f"{len(result['address_taken'])} address-taken functions")
    if not result["from_relocations"]:
        print("check-soft-float: note: no relocations in the image (link with -Wl,--emit-relocs); "
              "every data word that looks like a code pointer counts as one")
    if args.list:
        for function in sorted(result["reachable"], key=lambda f: f.start):
            print(f"  {function.start:08x} {describe(function, names)}")
    if not result["findings"]:
        print(f"check-soft-float: OK: no soft-float routine is reachable; "
              f"{len(result['reachable'])} reachable functions ({summary})")
        return 0
    print(f"check-soft-float: FAIL: {len(result['findings'])} soft-float routines reachable "
          f"from Invoke/Eval ({summary})")
    print("kernels whose Eval reaches soft float:")
    for table, evaluate, routines in result["per_kernel"]:
        if routines:
            print(f"  {table}: {describe(evaluate, names)}: {', '.join(routines)}")
    print("one shortest call path per routine:")
    for finding in sorted(result["findings"], key=lambda f: f.name):
        steps = [describe(image.by_start[a], names, result["note"].get(a))
                 for a in call_path(result, finding)]
        print(f"  {finding.name}: " + "\n      -> ".join(steps))
    return 1


if __name__ == "__main__":
    sys.exit(main())
