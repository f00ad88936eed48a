module io.gost.plugin.netns { requires io.gost.api; }
