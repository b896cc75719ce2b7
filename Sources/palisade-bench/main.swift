// palisade-bench: micro-benchmarks (release build). Scripts/bench-* run it.
print("palisade-bench: no benchmarks yet")
