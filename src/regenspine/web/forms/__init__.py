"""Reading HTML forms into typed inputs, each problem naming its field."""
