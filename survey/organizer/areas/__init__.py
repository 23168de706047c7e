"""The situation picture on screen: every area, one area's dashboard, its charts."""
