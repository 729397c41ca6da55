"""Widgets shared by the screens: answer inputs, bars and charts."""
