module io.gost.plugin.tcp { requires io.gost.api; }
