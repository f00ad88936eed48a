module io.gost.plugin.http { requires io.gost.api; }
