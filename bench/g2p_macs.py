#!/usr/bin/env python3
"""Multiply-accumulates of the g2p 20-call decode, counted from the frozen graph.

Usage: g2p_macs.py TFREF_DIR MODEL.pb BENCH_WORDS.txt

Prints, per line of BENCH_WORDS.txt (one batch, line.lower().split()):
`words<TAB>MACs per word` for the whole 20-call decode as TensorFlow runs it.
MODEL.pb is g2p_optimized.pb or g2p_frozen.pb (same count). TFREF_DIR is a writable copy of ../shared/tools/tfref (its pb2tfjs.py reads
the GraphDef).

Counted: every MatMul (rows x K x N, K x N read from its weight Const) and the
two attention products without a Const operand, the context BatchMatMul
(memory positions x memory width) and the Bahdanau score v . tanh(keys + query)
(memory positions x units; a Mul and a Sum in the graph). Element-wise ops,
gathers and the loops' bookkeeping are not MACs and are left out. Rows per
call and word: the encoder loops run max(1, longest word + 1) steps (at most
20) for every row of the batch, the memory and dense layers see all 20
positions, the decoder loop runs 20 steps; TensorFlow stacks the encoder's
outputs into 20 memory positions. This is the nominal work of the protocol:
a runtime that skips recomputation does less.
"""
import os
import sys

MAX_LEN = 20


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, argv[1])
    from pb2tfjs import pb2  # noqa: E402  (compiles graph.proto into TFREF_DIR/_gen)

    graph = pb2.GraphDef()
    with open(argv[2], "rb") as f:
        graph.ParseFromString(f.read())
    nodes = {n.name: n for n in graph.node}

    def const_shape(name):
        """Shape of the Const behind `name`, through Enter/Identity and the
        Reshape of a Tensordot's 2-D kernel (same shape; un-folded graph: the
        Transpose before it has the identity permutation)."""
        node = nodes[name.split(":")[0].lstrip("^")]
        while node.op in ("Enter", "Identity", "Reshape", "Transpose"):
            node = nodes[node.input[0].split(":")[0]]
        if node.op != "Const":
            return None
        return [d.size for d in node.attr["value"].tensor.tensor_shape.dim]

    # MACs per row and step (loops) or per row and position (Tensordot layers).
    per_step = {"encoder": 0, "decoder": 0, "positions": 0}
    for node in graph.node:
        if node.op != "MatMul":
            continue
        k, n = const_shape(node.input[1])
        if node.name.startswith("bidirectional_rnn/"):
            per_step["encoder"] += k * n
        elif node.name.startswith("rnn/while/"):
            per_step["decoder"] += k * n
        else:
            per_step["positions"] += k * n
    memory_width = const_shape(nodes["BahdanauAttention/memory_layer/Tensordot/MatMul"].input[1])[0]
    units = const_shape("rnn/while/rnn/attention_wrapper/bahdanau_attention/mul/Enter")[0]
    per_step["decoder"] += MAX_LEN * (memory_width + units)

    with open(argv[3]) as f:
        lines = [line.lower().split() for line in f if line.strip()]
    for words in lines:
        encoder_steps = min(MAX_LEN, max(1, max(len(w) + 1 for w in words)))
        per_call = (encoder_steps * per_step["encoder"] + MAX_LEN * per_step["positions"] +
                    MAX_LEN * per_step["decoder"])
        print("%d\t%d" % (len(words), MAX_LEN * per_call))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
