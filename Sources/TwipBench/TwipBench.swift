// TwipBench module.
