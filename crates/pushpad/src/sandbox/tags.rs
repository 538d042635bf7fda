//! Pushpad's tag expressions, as the sandbox evaluates them against a subscription's tags.

/// Whether a subscription with `tags` matches `expr`: a tag, or a boolean expression with `!`,
/// `&&`, `||` (from highest to lowest precedence) and parentheses.
pub(super) fn tag_expression_matches(expr: &str, tags: &[String]) -> bool {
    let tokens = tokenize(expr);
    let mut pos = 0;
    let value = parse_or(&tokens, &mut pos, tags);
    value.unwrap_or(false) && pos == tokens.len()
}

#[derive(Debug, PartialEq)]
enum Token {
    Tag(String),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(expr: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            c if c.is_whitespace() => i += 1,
            '!' => {
                out.push(Token::Not);
                i += 1;
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Token::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Token::Or);
                i += 2;
            }
            _ => {
                let start = i;
                while i < chars.len() && !ends_tag(&chars, i) {
                    i += 1;
                }
                out.push(Token::Tag(chars[start..i].iter().collect()));
            }
        }
    }
    out
}

/// Whether a tag name stops before `chars[i]`: white space, `!`, parentheses, `&&` or `||`.
fn ends_tag(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let doubled = |op: char| c == op && chars.get(i + 1) == Some(&op);
    c.is_whitespace() || "!()".contains(c) || doubled('&') || doubled('|')
}

fn parse_or(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = parse_and(t, pos, tags)?;
    while t.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        value |= parse_and(t, pos, tags)?;
    }
    Some(value)
}

fn parse_and(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = parse_not(t, pos, tags)?;
    while t.get(*pos) == Some(&Token::And) {
        *pos += 1;
        value &= parse_not(t, pos, tags)?;
    }
    Some(value)
}

fn parse_not(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    match t.get(*pos)? {
        Token::Not => {
            *pos += 1;
            Some(!parse_not(t, pos, tags)?)
        }
        Token::Open => {
            *pos += 1;
            let v = parse_or(t, pos, tags)?;
            if t.get(*pos) != Some(&Token::Close) {
                return None;
            }
            *pos += 1;
            Some(v)
        }
        Token::Tag(name) => {
            *pos += 1;
            Some(tags.iter().any(|t| t == name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn tag_expressions() {
        let t = tags(&["a", "b", "zip_code:28865"]);
        for (expr, want) in [
            ("a", true),
            ("c", false),
            ("a && b", true),
            ("a && c", false),
            ("c || b", true),
            ("!c", true),
            ("!a", false),
            ("(a && c) || !d", true),
            ("a && (c || !b)", false),
            (
                "zip_code:28865 && !optout:local_events || friend_of:x",
                true,
            ),
            ("!!a", true),
            ("a &&", false),
            ("(a", false),
            ("", false),
        ] {
            assert_eq!(tag_expression_matches(expr, &t), want, "{expr}");
        }
    }
}
