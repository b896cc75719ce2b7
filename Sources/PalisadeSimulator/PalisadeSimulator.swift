// PalisadeSimulator: many validators in one process, simulated time, seeded faults.
