module io.gost.plugin.netns.recording { requires io.gost.api; }
