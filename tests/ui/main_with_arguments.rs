tapedeck::main!(refunds, support);
