#!/usr/bin/python3
"""Tests of tools/check-soft-float.py: synthetic objdump output that must pass
or fail (with the offending call path printed), the soft-float name patterns,
and, given --canary IMAGE, a real arm-none-eabi image with float in one
kernel's Eval (tests/firmware/float_canary.cc)."""

import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "check_soft_float", os.path.join(HERE, "..", "..", "tools", "check-soft-float.py"))
checker = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(checker)

CANARY = None  # set by --canary

INVOKE = "_ZN5ember11Interpreter6InvokeEv"
TEXT, RODATA = 0x1000, 0x2000


class Synthetic:
    """Builds objdump -h/-t/-r/-s/-d text for a tiny Thumb image."""

    def __init__(self):
        self.functions = []  # (address, name, global, [(mnemonic, operands)])
        self.objects = []  # (address, name, [words], [relocated word indices])

    def function(self, address, name, body, is_global=True):
        self.functions.append((address, name, is_global, body))
        return self

    def kernel(self, address, table, prepare, evaluate):
        """ember::kernels::<table> = {op, name, prepare, eval} in .rodata."""
        mangled = f"_ZN5ember7kernels{len(table)}{table}E"
        self.objects.append((address, mangled, [7, RODATA + 0x100, prepare | 1, evaluate | 1],
                             [1, 2, 3]))
        return self

    def vtable(self, address, name, *methods):
        self.objects.append((address, name, [0, 0] + [m | 1 for m in methods],
                             list(range(2, 2 + len(methods)))))
        return self

    def text(self):
        size = lambda body: 2 * len(body)
        lines = ["Sections:", "Idx Name          Size      VMA       LMA       File off  Algn",
                 f"  0 .text         00000800  {TEXT:08x}  {TEXT:08x}  00001000  2**2",
                 "                  CONTENTS, ALLOC, LOAD, RELOC, READONLY, CODE",
                 f"  1 .rodata       00000200  {RODATA:08x}  {RODATA:08x}  00002000  2**2",
                 "                  CONTENTS, ALLOC, LOAD, RELOC, READONLY, DATA", "",
                 "SYMBOL TABLE:", "00000000 l    df *ABS*\t00000000 kernel.cc"]
        for address, name, is_global, body in sorted(self.functions, key=lambda f: not f[2]):
            flags = "g     F" if is_global else "l     F"
            lines.append(f"{address | 1:08x} {flags} .text\t{size(body):08x} {name}")
        for address, name, words, _ in self.objects:
            lines.append(f"{address:08x} g     O .rodata\t{4 * len(words):08x} {name}")
        lines += ["", "RELOCATION RECORDS FOR [.text]:", "OFFSET   TYPE              VALUE"]
        for address, name, _, body in self.functions:
            for index, (mnemonic, operands) in enumerate(body):
                if mnemonic == ".word":
                    lines.append(f"{address - TEXT + 2 * index:08x} R_ARM_ABS32       .text")
        lines += ["", "RELOCATION RECORDS FOR [.rodata]:", "OFFSET   TYPE              VALUE"]
        for address, _, words, relocated in self.objects:
            lines += [f"{address - RODATA + 4 * i:08x} R_ARM_ABS32       .text" for i in relocated]
        lines += ["", "Contents of section .text:"]
        for address, _, _, body in sorted(self.functions):
            for index, (mnemonic, operands) in enumerate(body):
                if mnemonic == ".word":
                    word = int(operands, 16).to_bytes(4, "little").hex()
                    lines.append(f" {address + 2 * index:04x} {word}  ....")
        lines += ["", "Contents of section .rodata:"]
        for address, _, words, _ in self.objects:
            data = b"".join(w.to_bytes(4, "little") for w in words)
            for offset in range(0, len(data), 16):
                chunk = data[offset:offset + 16]
                groups = " ".join(chunk[i:i + 4].hex() for i in range(0, len(chunk), 4))
                lines.append(f" {address + offset:04x} {groups}  ................")
        lines += ["", "Disassembly of section .text:"]
        for address, name, _, body in sorted(self.functions):
            lines += ["", f"{address:08x} <{name}>:"]
            for index, (mnemonic, operands) in enumerate(body):
                lines.append(f"    {address + 2 * index:x}:\t{mnemonic}\t{operands}")
        # Literal words take 4 bytes: the synthetic bodies put them last, and
        # the 2-byte step above only shifts their printed address.
        return "\n".join(lines) + "\n"


def run_checker(dump_text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(dump_text)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            status = checker.main(["--dump", f.name, "--cxxfilt", "c++filt"])
    finally:
        os.unlink(f.name)
    return status, out.getvalue()


def base_image(eval_body, extra=()):
    """Invoke -> helper; kernel kFoo {Prepare (float), Eval}; soft-float routines."""
    image = (Synthetic()
             .function(0x1000, INVOKE, [("push", "{r4, lr}"), ("bl", "1040 <helper>"),
                                         ("ldr", "r3, [r4, #12]"), ("blx", "r3"),
                                         ("pop", "{r4, pc}")])
             .function(0x1040, "helper", [("movs", "r0, #0"), ("bx", "lr")])
             .function(0x1080, "Prepare", [("push", "{r4, lr}"),
                                           ("bl", "1400 <__aeabi_fdiv>"),
                                           ("ldr", "r0, [pc, #4]"), ("pop", "{r4, pc}"),
                                           (".word", "0x00001301")], is_global=False)
             .function(0x1100, "Eval", eval_body, is_global=False)
             .function(0x1200, "EvalFloat", [("push", "{r4, lr}"),
                                             ("bl", "1440 <__aeabi_fmul>"),
                                             ("pop", "{r4, pc}")], is_global=False)
             .function(0x1300, "FloatCallback", [("push", "{r4, lr}"),
                                                 ("bl", "1480 <__aeabi_d2f>"),
                                                 ("pop", "{r4, pc}")], is_global=False)
             .function(0x1400, "__aeabi_fdiv", [("bx", "lr")])
             .function(0x1440, "__aeabi_fmul", [("bx", "lr")])
             .function(0x1480, "__aeabi_d2f", [("bx", "lr")])
             .kernel(0x2000, "kFoo", prepare=0x1080, evaluate=0x1100))
    for item in extra:
        item(image)
    return image


class SyntheticImages(unittest.TestCase):
    def test_integer_eval_passes_and_float_prepare_is_allowed(self):
        status, out = run_checker(base_image([("movs", "r0, #0"), ("bx", "lr")]).text())
        self.assertEqual(status, 0, out)
        self.assertIn("OK: no soft-float routine is reachable; 3 reachable functions", out)
        self.assertNotIn("fdiv", out)

    def test_float_in_eval_fails_with_the_path(self):
        status, out = run_checker(base_image([("push", "{r4, lr}"),
                                              ("beq.n", "1106 <Eval+0x6>"),
                                              ("bl", "1200 <EvalFloat>"),
                                              ("pop", "{r4, pc}")]).text())
        self.assertEqual(status, 1, out)
        self.assertIn("FAIL: 1 soft-float routines", out)
        self.assertIn("kFoo: Eval [kernel.cc]: __aeabi_fmul", out)
        self.assertIn("__aeabi_fmul: ember::Interpreter::Invoke()\n"
                      "      -> (eval of kFoo) Eval [kernel.cc]\n"
                      "      -> EvalFloat [kernel.cc]\n"
                      "      -> __aeabi_fmul", out)
        self.assertNotIn("__aeabi_fdiv", out)  # Prepare's float is allowed

    def test_tail_call_is_followed(self):
        status, out = run_checker(base_image([("b.w", "1200 <EvalFloat>")]).text())
        self.assertEqual(status, 1, out)
        self.assertIn("-> EvalFloat [kernel.cc]\n      -> __aeabi_fmul", out)

    def test_virtual_call_reaches_vtable_entries(self):
        image = base_image([("ldr", "r3, [r0, #0]"), ("ldr", "r3, [r3, #0]"), ("blx", "r3"),
                            ("bx", "lr")],
                           [lambda i: i.vtable(0x2040, "_ZTV8Reporter", 0x1300)])
        status, out = run_checker(image.text())
        self.assertEqual(status, 1, out)
        self.assertIn("-> (indirect call; address taken in _ZTV8Reporter) "
                      "FloatCallback [kernel.cc]\n"
                      "      -> __aeabi_d2f", out)

    def test_pointer_loaded_only_in_prepare_is_not_an_indirect_target(self):
        # Prepare loads FloatCallback's address (a literal); Eval calls through
        # a pointer, but nothing on Invoke's side takes that address.
        status, out = run_checker(base_image([("ldr", "r3, [r0, #0]"), ("blx", "r3"),
                                              ("bx", "lr")]).text())
        self.assertEqual(status, 0, out)

    def test_pointer_loaded_in_eval_is_an_indirect_target(self):
        status, out = run_checker(base_image([("ldr", "r3, [pc, #4]"), ("blx", "r3"),
                                              ("bx", "lr"), (".word", "0x00001301")]).text())
        self.assertEqual(status, 1, out)
        self.assertIn("(indirect call; address taken in Eval) FloatCallback", out)

    def test_falling_through_into_the_next_function(self):
        image = base_image([("bl", "1180 <entry>"), ("bx", "lr")],
                           [lambda i: i.function(0x1180, "entry", [("movs", "r0, #1")]),
                            lambda i: i.function(0x1182, "__aeabi_frsub", [("bx", "lr")])])
        status, out = run_checker(image.text())
        self.assertEqual(status, 1, out)
        self.assertIn("-> entry\n      -> (falls through) __aeabi_frsub", out)

    def test_missing_invoke_is_an_error(self):
        text = base_image([("bx", "lr")]).text().replace(INVOKE, "_Z5Otherv")
        status, _ = run_checker(text)
        self.assertEqual(status, 2)


class Patterns(unittest.TestCase):
    SOFT_FLOAT = """__aeabi_fadd __aeabi_fsub __aeabi_frsub __aeabi_fmul __aeabi_fdiv __aeabi_fneg
        __aeabi_fcmpeq __aeabi_fcmplt __aeabi_fcmple __aeabi_fcmpge __aeabi_fcmpgt __aeabi_fcmpun
        __aeabi_cfcmpeq __aeabi_cfcmple __aeabi_cfrcmple __aeabi_f2iz __aeabi_f2uiz __aeabi_f2lz
        __aeabi_f2ulz __aeabi_f2d __aeabi_f2h __aeabi_f2h_alt __aeabi_h2f __aeabi_h2f_alt
        __aeabi_i2f __aeabi_ui2f __aeabi_l2f __aeabi_ul2f __aeabi_dadd __aeabi_dsub __aeabi_drsub
        __aeabi_dmul __aeabi_ddiv __aeabi_dneg __aeabi_dcmpeq __aeabi_dcmplt __aeabi_dcmple
        __aeabi_dcmpge __aeabi_dcmpgt __aeabi_dcmpun __aeabi_cdcmpeq __aeabi_cdcmple
        __aeabi_cdrcmple __aeabi_d2iz __aeabi_d2uiz __aeabi_d2lz __aeabi_d2ulz __aeabi_d2f
        __aeabi_d2h __aeabi_i2d __aeabi_ui2d __aeabi_l2d __aeabi_ul2d
        __addsf3 __subsf3 __mulsf3 __divsf3 __negsf2 __adddf3 __subdf3 __muldf3 __divdf3
        __negdf2 __addtf3 __eqsf2 __nesf2 __gesf2 __gtsf2 __ltsf2 __lesf2 __unordsf2 __cmpsf2
        __eqdf2 __unorddf2 __extendsfdf2 __truncdfsf2 __extendhfsf2 __truncsfhf2 __truncdfhf2
        __truncsfbf2 __fixsfsi __fixunssfsi __fixsfdi __fixunssfdi __fixdfsi __fixunsdfsi
        __fixdfdi __fixunsdfdi __floatsisf __floatunsisf __floatdisf __floatundisf __floatsidf
        __floatunsidf __floatdidf __floatundidf __powisf2 __powidf2 __mulsc3 __divdc3
        __gnu_f2h_ieee __gnu_h2f_ieee __gnu_f2h_alternative __gnu_h2f_alternative __gnu_d2h_ieee
        __pack_f __unpack_d __fpcmp_parts_f _fpadd_parts __thenan_sf __make_fp
        sqrtf expf exp logf floorf roundf lroundf fmaxf fminf frexp ldexpf tanhf
        __ieee754_expf __kernel_sinf __math_oflowf _printf_float _dtoa_r _strtod_r strtof atof"""
    INTEGER = """__aeabi_idiv __aeabi_uidiv __aeabi_idivmod __aeabi_uidivmod __aeabi_ldivmod
        __aeabi_uldivmod __aeabi_lmul __aeabi_llsl __aeabi_llsr __aeabi_lasr __aeabi_lcmp
        __aeabi_ulcmp __aeabi_memcpy __aeabi_memcpy4 __aeabi_memset __aeabi_memclr
        __aeabi_memmove __aeabi_uread4 __aeabi_uwrite4 __aeabi_unwind_cpp_pr0 __aeabi_atexit
        __divsi3 __udivsi3 __modsi3 __divdi3 __udivdi3 __udivmoddi4 __clzsi2 __clzdi2 __ctzsi2
        __ashldi3 __lshrdi3 __muldi3 __gnu_ldivmod_helper __gnu_uldivmod_helper
        __gnu_thumb1_case_uqi __gnu_thumb1_case_sqi __gnu_thumb1_case_uhi __gnu_thumb1_case_si
        memcpy memset vsnprintf _svfiprintf_r _printf_i __ssputs_r strlen exit main
        _ZN5ember7kernels12_GLOBAL__N_14EvalERNS_9OpContextE
        _ZN5ember7kernels12_GLOBAL__N_19EvalFloatERNS_9OpContextE expand explicit logger
        floorplan rounding"""

    def test_every_soft_float_routine_matches(self):
        for name in self.SOFT_FLOAT.split():
            self.assertTrue(checker.SOFT_FLOAT_RE.fullmatch(name), name)

    def test_integer_routines_do_not_match(self):
        for name in self.INTEGER.split():
            self.assertFalse(checker.SOFT_FLOAT_RE.fullmatch(name), name)


class CanaryImage(unittest.TestCase):
    @unittest.skipIf(CANARY is None and "--canary" not in sys.argv, "no --canary image")
    def test_float_in_eval_of_a_real_image_is_caught(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = checker.main([CANARY])
        text = out.getvalue()
        print(text)
        self.assertEqual(status, 1, text)
        self.assertRegex(text, r"kFloatCanary: ember::kernels::\(anonymous namespace\)::EvalFloat"
                               r"\(ember::OpContext&\) \[float_canary\.cc\]: .*__aeabi_fmul")
        self.assertRegex(text, r"ember::Interpreter::Invoke\(\)\n\s+-> \(eval of kFloatCanary\) "
                               r".*EvalFloat.*\n\s+-> .*ScaleInFloat.*\n\s+-> __aeabi_\w+")
        self.assertNotIn("kIntegerCanary:", text)  # its Eval is integer-only


if __name__ == "__main__":
    if "--canary" in sys.argv:
        index = sys.argv.index("--canary")
        CANARY = sys.argv[index + 1]
        del sys.argv[index:index + 2]
    unittest.main()
