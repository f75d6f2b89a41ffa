# The sandbox's docker: a small Go text/template interpreter for --format / -f, in jq.
# Usage: jq -j --arg tpl TEMPLATE -f docker_template.jq  (one JSON value per input; prints the
# rendered template, without a newline).
#
# Supported: text, {{.A.B}}, {{.}}, {{$}}, {{$x.A}}, {{json .A}}, {{index .A "k"}},
# {{printf "%s" .A}}, print, println, len, join, split, lower, upper, title, pad, truncate,
# eq ne lt le gt ge not and or, pipelines (|), parentheses, {{$x := ...}}, {{range ...}} with
# {{range $k, $v := ...}}, {{if}}/{{else if}}/{{else}}, {{with}}, {{- trim markers -}}, comments,
# and docker ps's {{.Label "k"}}.

# ---- formatting like Go's fmt %v
def gt_fmt:
  if type == "string" then .
  elif type == "number" then (if . == (. | floor) and (. | fabs) < 1e17 then (. | floor | tostring) else tostring end)
  elif type == "boolean" then tostring
  elif type == "null" then "<no value>"
  elif type == "array" then "[" + (map(gt_fmt) | join(" ")) + "]"
  else "map[" + (to_entries | sort_by(.key) | map("\(.key):\(.value | gt_fmt)") | join(" ")) + "]"
  end;

def gt_truthy:
  if . == null or . == false or . == 0 or . == "" or . == [] or . == {} then false else true end;

# ---- lexing
def gt_lex:
  [ scan("\\{\\{[\\s\\S]*?\\}\\}|(?:[^{]|\\{(?!\\{))+") ]
  | map(if startswith("{{") then
          (.[2:-2]) as $in
          | { type: "act",
              ltrim: ($in | test("^-\\s")),
              rtrim: ($in | test("\\s-$")),
              v: ($in | sub("^-\\s"; "") | sub("\\s-$"; "") | sub("^\\s+"; "") | sub("\\s+$"; "")) }
        else { type: "text", v: . } end)
  # apply trim markers to the neighbouring text
  | . as $t
  | [ range(0; length) as $i
      | $t[$i]
      | if .type == "text" then
          (if $i > 0 and $t[$i - 1].rtrim then .v |= sub("^\\s+"; "") else . end)
          | (if $i + 1 < ($t | length) and $t[$i + 1].ltrim then .v |= sub("\\s+$"; "") else . end)
        else . end ];

# Split an action into words: strings, raw strings, parens, pipes, := and commas, words.
def gt_words:
  [ scan("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|\\(|\\)|\\||:=|,|[^\\s()|,]+") ];

# ---- expression parsing (on word arrays)
# term: returns {node, rest}
def gt_term($w):
  $w[0] as $x
  | if $x == "(" then
      # find the matching paren
      (reduce range(0; $w | length) as $i ({depth: 0, end: null};
         if .end != null then . else
           (if $w[$i] == "(" then .depth += 1 elif $w[$i] == ")" then .depth -= 1 else . end)
           | if .depth == 0 then .end = $i else . end
         end)) as $m
      | if $m.end == null then error("unclosed left paren") else . end
      | { node: { sub: ($w[1:$m.end]) }, rest: $w[($m.end + 1):] }
    elif ($x | startswith("\"")) then { node: { lit: ($x | fromjson) }, rest: $w[1:] }
    elif ($x | startswith("`")) then { node: { lit: ($x[1:-1]) }, rest: $w[1:] }
    elif ($x | test("^-?[0-9]+(\\.[0-9]+)?$")) then { node: { lit: ($x | tonumber) }, rest: $w[1:] }
    elif $x == "true" then { node: { lit: true }, rest: $w[1:] }
    elif $x == "false" then { node: { lit: false }, rest: $w[1:] }
    elif $x == "nil" then { node: { lit: null }, rest: $w[1:] }
    elif $x == "." then { node: { dot: [] }, rest: $w[1:] }
    elif ($x | test("^(\\.[A-Za-z0-9_]+)+$")) then { node: { dot: ($x[1:] | split(".")) }, rest: $w[1:] }
    elif ($x | test("^\\$[A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$")) then
      ($x | split(".")) as $p | { node: { var: $p[0], path: $p[1:] }, rest: $w[1:] }
    elif ($x | test("^[A-Za-z_][A-Za-z0-9_]*$")) then { node: { fn: $x }, rest: $w[1:] }
    else error("unexpected \"\($x)\" in operand") end;

# pipeline: {decl: [vars], cmds: [[node...]...]}
def gt_split_pipes($w):
  reduce $w[] as $t ({ cur: [], depth: 0, out: [] };
    if $t == "(" then .depth += 1 | .cur += [$t]
    elif $t == ")" then .depth -= 1 | .cur += [$t]
    elif $t == "|" and .depth == 0 then .out += [.cur] | .cur = []
    else .cur += [$t] end)
  | .out + [.cur];

def gt_cmd($w):
  { rest: $w, acc: [] }
  | until((.rest | length) == 0; gt_term(.rest) as $r | .acc += [$r.node] | .rest = $r.rest)
  | .acc;

def gt_pipeline($w):
  (if ($w | index(":=")) != null then
     ($w | index(":=")) as $d
     | { decl: ($w[0:$d] | map(select(. != ","))), w: $w[($d + 1):] }
   else { decl: [], w: $w } end)
  | { decl: .decl, cmds: [gt_split_pipes(.w)[] | gt_cmd(.)] };

# ---- block parsing: returns {nodes, i, term, cond}
def gt_block($toks; $i):
  def mk($kind; $arg; $toks; $i):
    gt_block($toks; $i) as $body
    | if $body.term == "else" then
        gt_block($toks; $body.i) as $alt
        | if $alt.term != "end" then error("missing {{end}}") else . end
        | { node: { type: $kind, arg: $arg, body: $body.nodes, else: $alt.nodes }, i: $alt.i }
      elif $body.term == "elseif" then
        mk("if"; $body.cond; $toks; $body.i) as $inner
        | { node: { type: $kind, arg: $arg, body: $body.nodes, else: [$inner.node] }, i: $inner.i }
      elif $body.term == "end" then
        { node: { type: $kind, arg: $arg, body: $body.nodes, else: [] }, i: $body.i }
      else error("unexpected EOF") end;
  { nodes: [], i: $i, term: null }
  | until(.term != null or .i >= ($toks | length);
      $toks[.i] as $t
      | if $t.type == "text" then .nodes += [$t] | .i += 1
        elif ($t.v | startswith("/*")) then .i += 1
        elif $t.v == "end" then .term = "end" | .i += 1
        elif $t.v == "else" then .term = "else" | .i += 1
        elif ($t.v | test("^else\\s+if\\s")) then .term = "elseif" | .cond = ($t.v | sub("^else\\s+if\\s+"; "")) | .i += 1
        elif ($t.v | test("^(range|if|with)\\s")) then
          ($t.v | capture("^(?<k>range|if|with)\\s+(?<a>[\\s\\S]*)$")) as $c
          | mk($c.k; $c.a; $toks; .i + 1) as $r
          | .nodes += [$r.node] | .i = $r.i
        else .nodes += [{ type: "act", v: $t.v }] | .i += 1 end);

def gt_parse: gt_lex as $toks | gt_block($toks; 0) | if .term != null then error("unexpected {{\(.term)}}") else .nodes end;

# ---- evaluation
def gt_get($path): reduce $path[] as $k (.; if type == "object" then .[$k] else null end);

def gt_printf($args):
  ($args[0] | tostring) as $f
  | reduce ($f | [match("%(-?)([0-9]*)([svdqt%])|[^%]+|%"; "g") | .string][]) as $piece
      ({ out: "", n: 1 };
       if ($piece | test("^%(-?)([0-9]*)([svdqt%])$")) then
         ($piece | capture("^%(?<l>-?)(?<w>[0-9]*)(?<v>[svdqt%])$")) as $c
         | if $c.v == "%" then .out += "%"
           else ($args[.n]) as $a
             | (if $c.v == "q" then ($a | tostring | tojson) else ($a | gt_fmt) end) as $s
             | ((($c.w | if . == "" then 0 else tonumber end) - ($s | length)) | if . > 0 then . else 0 end) as $pad
             | .out += (if $c.l == "-" then $s + (" " * $pad // "") else (" " * $pad // "") + $s end)
             | .n += 1
           end
       else .out += $piece end)
  | .out;

def gt_call($name; $a):
  if $name == "json" then ($a[0] | tojson)
  elif $name == "index" then reduce $a[1:][] as $k ($a[0]; if type == "object" then .[$k | tostring] elif type == "array" then .[$k] else null end)
  elif $name == "printf" then gt_printf($a)
  elif $name == "print" then ($a | map(gt_fmt) | join(""))
  elif $name == "println" then ($a | map(gt_fmt) | join(" ")) + "\n"
  elif $name == "len" then ($a[0] | length)
  elif $name == "join" then ($a[0] // [] | map(gt_fmt) | join($a[1]))
  elif $name == "split" then ($a[0] | split($a[1]))
  elif $name == "lower" then ($a[0] | ascii_downcase)
  elif $name == "upper" then ($a[0] | ascii_upcase)
  elif $name == "title" then ($a[0] | split(" ") | map(if length > 0 then (.[:1] | ascii_upcase) + .[1:] else . end) | join(" "))
  elif $name == "pad" then (" " * $a[1] // "") + ($a[0] | gt_fmt) + (" " * $a[2] // "")
  elif $name == "truncate" then ($a[0] | gt_fmt | .[:$a[1]])
  elif $name == "eq" then (any($a[1:][]; . == $a[0]))
  elif $name == "ne" then ($a[0] != $a[1])
  elif $name == "lt" then ($a[0] < $a[1])
  elif $name == "le" then ($a[0] <= $a[1])
  elif $name == "gt" then ($a[0] > $a[1])
  elif $name == "ge" then ($a[0] >= $a[1])
  elif $name == "not" then ($a[0] | gt_truthy | not)
  elif $name == "and" then (reduce $a[] as $x (true; if (. | gt_truthy) then $x else . end))
  elif $name == "or" then (reduce $a[] as $x (false; if (. | gt_truthy) then . else $x end))
  else error("function \"\($name)\" not defined") end;

# Evaluate a node (lit, dot, var, sub, fn) or a whole pipeline ({decl, cmds}).
def gt_ev($env):
  if has("cmds") then
    reduce .cmds[] as $cmd ({ has: false, v: null };
      (if $cmd[0] | has("fn") then
         ($cmd[1:] | map(gt_ev($env))) as $args
         | gt_call($cmd[0].fn; $args + (if .has then [.v] else [] end))
       elif ($cmd | length) == 2 and ($cmd[0] | has("dot")) and ($cmd[0].dot[-1] == "Label") then
         ($env.dot | gt_get($cmd[0].dot[:-1]) | .LabelMap // .Labels // {}) as $l
         | ($cmd[1] | gt_ev($env)) as $k | ($l[$k] // "")
       elif ($cmd | length) == 1 then ($cmd[0] | gt_ev($env))
       else error("can't give argument to non-function \($cmd[0])") end) as $v
      | { has: true, v: $v })
    | .v
  elif has("lit") then .lit
  elif has("dot") then (.dot as $p | $env.dot | gt_get($p))
  elif has("var") then
    (if .var == "$" then $env.root else $env.vars[.var[1:]] end) as $v
    | .path as $p | $v | gt_get($p)
  elif has("sub") then (gt_pipeline(.sub) | gt_ev($env))
  elif has("fn") then gt_call(.fn; [])
  else error("bad node") end;

def gt_exec($nodes; $env):
  reduce $nodes[] as $n ({ out: "", env: $env };
    if $n.type == "text" then .out += $n.v
    elif $n.type == "act" then
      (gt_pipeline($n.v | gt_words)) as $p
      | .env as $e
      | ($p | gt_ev($e)) as $v
      | if ($p.decl | length) > 0 then .env.vars[$p.decl[0][1:]] = $v
        else .out += ($v | gt_fmt) end
    elif $n.type == "if" or $n.type == "with" then
      .env as $e
      | (gt_pipeline($n.arg | gt_words) | gt_ev($e)) as $v
      | if ($v | gt_truthy) then
          .out += gt_exec($n.body; (if $n.type == "with" then $e + {dot: $v} else $e end))
        else .out += gt_exec($n.else; $e) end
    elif $n.type == "range" then
      .env as $e
      | (gt_pipeline($n.arg | gt_words)) as $p
      | ($p | gt_ev($e)) as $v
      | ($v | if type == "object" then to_entries | sort_by(.key) elif type == "array" then to_entries else [] end) as $items
      | if ($items | length) == 0 then .out += gt_exec($n.else; $e)
        else .out += ([ $items[] as $it
                        | ($e + { dot: $it.value }) as $e2
                        | (if ($p.decl | length) == 2 then $e2 | .vars[$p.decl[0][1:]] = $it.key | .vars[$p.decl[1][1:]] = $it.value
                           elif ($p.decl | length) == 1 then $e2 | .vars[$p.decl[0][1:]] = $it.value
                           else $e2 end) as $e3
                        | gt_exec($n.body; $e3) ] | join(""))
        end
    else . end)
  | .out;

. as $root | ($tpl | gt_parse) as $ast | gt_exec($ast; { dot: $root, root: $root, vars: {} }) + ($ARGS.named.suffix // "")
