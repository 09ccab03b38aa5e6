// TwipStack module.
