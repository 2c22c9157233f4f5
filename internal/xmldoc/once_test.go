package xmldoc

import (
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// Decoding types of both kinds of tag: with a namespace, and without.
type (
	nsDoc struct {
		ID    string    `xml:"urn:a ID"`
		Total *nsAmount `xml:"urn:a Total"`
		Line  []nsLine  `xml:"urn:a Line"`
		Data  []byte    `xml:"urn:a Data"`
		Code  string    `xml:"Code,attr"`
	}
	nsAmount struct {
		Value string `xml:",chardata"`
		Ccy   string `xml:"Ccy,attr"`
	}
	nsLine struct {
		ID    string   `xml:"urn:a ID"`
		Note  []string `xml:"urn:a Note"`
		Price struct {
			Amount nsAmount `xml:"urn:a Amount"`
		} `xml:"urn:a Price"`
	}

	localDoc struct {
		Msg *struct {
			Hdr struct {
				ID string `xml:"Id"`
			} `xml:"Hdr"`
			Item []struct {
				Amt  string   `xml:"Amt"`
				Text []string `xml:"Text"`
				Sub  []struct {
					Amt string `xml:"Amt"`
				} `xml:"Sub"`
			} `xml:"Item"`
		} `xml:"Msg"`
	}
)

// once reads doc through a Once that begins at its first element named root (its
// root element when root is ""), decoding that element into v, as a caller does.
func once(doc, root string, shape *Shape, v any) error {
	raw := NewReader(strings.NewReader(doc))
	o := NewOnce(raw, raw.Line)
	d := xml.NewTokenDecoder(o)
	for {
		t, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if s, ok := t.(xml.StartElement); ok && (root == "" || s.Name.Local == root) && o.root < 0 {
			o.Begin(shape)
			if err := d.DecodeElement(v, &s); err != nil {
				return err
			}
		}
	}
}

func TestOnce(t *testing.T) {
	nsShape := ShapeOf(reflect.TypeFor[nsDoc]())
	localShape := ShapeOf(reflect.TypeFor[localDoc]())
	const (
		a = `<Doc xmlns="urn:a" xmlns:b="urn:a" xmlns:c="urn:c">`
		l = `<Document xmlns="urn:x"><Msg><Hdr><Id>1</Id></Hdr>`
	)
	for _, c := range []struct {
		name, doc, root string
		shape           *Shape
		twice           string // the path Where(0, true) names, and the line; "" if the document passes
		line            int
	}{
		{"repeats in slices", a + `<ID>1</ID><Line><ID>1</ID><Note/><Note/></Line><Line><ID>2</ID></Line></Doc>`, "", nsShape, "", 0},
		{"an element given twice", a + "<ID>1</ID>\n<ID>2</ID></Doc>", "", nsShape, "ID", 2},
		{"under another prefix of its namespace", a + `<ID>1</ID><b:ID>2</b:ID></Doc>`, "", nsShape, "ID", 1},
		{"a prefix bound on the element", a + `<ID>1</ID><d:ID xmlns:d="urn:a">2</d:ID></Doc>`, "", nsShape, "ID", 1},
		{"in another namespace, not read", a + `<ID>1</ID><c:ID>2</c:ID><ID xmlns="urn:c">3</ID></Doc>`, "", nsShape, "", 0},
		{"a prefix rebound below, and restored", a + `<Line xmlns:b="urn:c"><b:ID>x</b:ID><ID>1</ID></Line><b:ID>1</b:ID></Doc>`, "", nsShape, "", 0},
		{"an aggregate given twice", a + `<Total Ccy="EUR">1</Total><Total Ccy="EUR">2</Total></Doc>`, "", nsShape, "Total", 1},
		{"a line's price amount", a + `<Line/><Line><Price><Amount>1</Amount><Amount>2</Amount></Price></Line></Doc>`, "", nsShape, "Line[2]/Price/Amount", 1},
		{"bytes are a single value", a + `<Data>AA</Data><Data>BB</Data></Doc>`, "", nsShape, "Data", 1},
		{"inside an element not read", a + `<Other><ID/><ID/></Other></Doc>`, "", nsShape, "", 0},

		{"any namespace matches a tag without one", l + `</Msg><m:Msg xmlns:m="urn:other"/></Document>`, "Document", localShape, "Msg", 1},
		{"numbered repeats", l + `<Item><Amt>1</Amt><Sub><Amt>1</Amt></Sub><Sub><Amt>1</Amt><Amt>2</Amt></Sub></Item></Msg></Document>`,
			"Document", localShape, "Msg/Item[1]/Sub[2]/Amt", 1},
		{"counted under each parent", l + `<Item/><Item><Sub/><Sub/><Sub><Amt>1</Amt>` + "\n" + `<Amt>2</Amt></Sub></Item></Msg></Document>`,
			"Document", localShape, "Msg/Item[2]/Sub[3]/Amt", 2},
		{"text repeats", l + `<Item><Text>a</Text><Text>b</Text></Item></Msg></Document>`, "Document", localShape, "", 0},
		{"inside an envelope", `<Env><Hdr><Id>a</Id><Id>b</Id></Hdr><Document xmlns="urn:x"><Msg><Hdr><Id>1</Id><Id>2</Id></Hdr></Msg></Document><Msg/><Msg/></Env>`,
			"Document", localShape, "Msg/Hdr/Id", 1},
		{"the envelope repeats before and after", `<Env><Msg/><Msg/>` + l + `</Msg></Document><Msg/><Msg><Hdr><Id/><Id/></Hdr></Msg></Env>`,
			"Document", localShape, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := reflect.New(reflect.TypeFor[nsDoc]()).Interface()
			if c.shape == localShape {
				v = reflect.New(reflect.TypeFor[localDoc]()).Interface()
			}
			err := once(c.doc, c.root, c.shape, v)
			var twice *Twice
			switch {
			case c.twice == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.twice == "":
			case !errors.As(err, &twice):
				t.Errorf("read %+v, %v; want %s refused", v, err, c.twice)
			case twice.Where(0, true) != c.twice || twice.Line != c.line:
				t.Errorf("refused %s at line %d, want %s at line %d", twice.Where(0, true), twice.Line, c.twice, c.line)
			}
		})
	}
}

// TestOnceElementInText: an element inside one read as text is refused, wherever the
// text is read (an amount's character data, a string, a string of a slice, bytes);
// inside one not read, or in an element read for its children, it passes.
func TestOnceElementInText(t *testing.T) {
	nsShape := ShapeOf(reflect.TypeFor[nsDoc]())
	localShape := ShapeOf(reflect.TypeFor[localDoc]())
	const (
		a = `<Doc xmlns="urn:a" xmlns:c="urn:c">`
		l = `<Document xmlns="urn:x"><Msg><Hdr><Id>1</Id></Hdr>`
	)
	for _, c := range []struct {
		name, doc, root string
		shape           *Shape
		in, child       string // the path Where(0, true) names and the element inside it; "" if the document passes
		line            int
	}{
		{"an amount", a + "<Total Ccy=\"EUR\">1\n<ID>0</ID>000.00</Total></Doc>", "", nsShape, "Total", "ID", 2},
		{"an empty element in an amount", a + `<Total Ccy="EUR">1<c:x/>0</Total></Doc>`, "", nsShape, "Total", "x", 1},
		{"a line's price", a + `<Line/><Line><Price><Amount>1<b>0</b></Amount></Price></Line></Doc>`, "", nsShape, "Line[2]/Price/Amount", "b", 1},
		{"a string", a + `<ID>INV<x>-1</x></ID></Doc>`, "", nsShape, "ID", "x", 1},
		{"one of repeated strings", a + `<Line><Note>a</Note><Note>b<i>c</i></Note></Line></Doc>`, "", nsShape, "Line[1]/Note[2]", "i", 1},
		{"bytes", a + `<Data>AA<x/></Data></Doc>`, "", nsShape, "Data", "x", 1},
		{"without namespaces", l + `<Item><Sub><Amt>1<x>0</x></Amt></Sub></Item></Msg></Document>`, "Document", localShape, "Msg/Item[1]/Sub[1]/Amt", "x", 1},
		{"an element not read", a + `<Other><ID>1<x/></ID></Other><c:ID>1<x/></c:ID></Doc>`, "", nsShape, "", "", 0},
		{"an element read for its children", a + `<Line>text<ID>1</ID><Other/></Line></Doc>`, "", nsShape, "", "", 0},
		{"comments and instructions", a + `<Total Ccy="EUR">1<!-- x --><?pi x?>0</Total></Doc>`, "", nsShape, "", "", 0},
		{"after the root", `<Env>` + l + `</Msg></Document><Amt>1<x/></Amt></Env>`, "Document", localShape, "", "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := reflect.New(reflect.TypeFor[nsDoc]()).Interface()
			if c.shape == localShape {
				v = reflect.New(reflect.TypeFor[localDoc]()).Interface()
			}
			err := once(c.doc, c.root, c.shape, v)
			var in *ElementInText
			switch {
			case c.in == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.in == "":
			case !errors.As(err, &in):
				t.Errorf("read %+v, %v; want %s refused", v, err, c.in)
			case in.Where(0, true) != c.in || in.Child != c.child || in.Line != c.line:
				t.Errorf("refused %s with %s at line %d, want %s with %s at line %d", in.Where(0, true), in.Child, in.Line, c.in, c.child, c.line)
			}
		})
	}
	e := &ElementInText{Path: []Step{{"Line", 2}, {"Amt", 0}}, Child: "x", Line: 3}
	if got := e.Error(); got != "Line/Amt has an element x inside its value (line 3)" {
		t.Errorf("Error() = %q", got)
	}
}

// TestOnceNotBegun: a Once that is not told where to begin passes every token on.
func TestOnceNotBegun(t *testing.T) {
	raw := NewReader(strings.NewReader(`<Doc xmlns="urn:a"><ID>1</ID><ID>2</ID></Doc>`))
	var v nsDoc
	if err := xml.NewTokenDecoder(NewOnce(raw, raw.Line)).Decode(&v); err != nil || v.ID != "2" {
		t.Errorf("read %+v, %v", v, err)
	}
}

func TestTwiceWhere(t *testing.T) {
	e := &Twice{Path: []Step{{"Msg", 0}, {"Stmt", 1}, {"Ntry", 3}, {"Amt", 0}}, Line: 57}
	if got := e.Where(1, true); got != "Stmt[1]/Ntry[3]/Amt" {
		t.Errorf("Where(1, true) = %q", got)
	}
	if got := e.Error(); got != "Msg/Stmt/Ntry/Amt is given twice (line 57)" {
		t.Errorf("Error() = %q", got)
	}
}

// TestShapeOfRefuses: ShapeOf does not follow tags it could not follow as encoding/xml
// does.
func TestShapeOfRefuses(t *testing.T) {
	type embedded struct {
		A string `xml:"A"`
	}
	for name, typ := range map[string]reflect.Type{
		"a path": reflect.TypeFor[struct {
			A string `xml:"A>B"`
		}](),
		"no tag": reflect.TypeFor[struct{ A string }](),
		",any": reflect.TypeFor[struct {
			A string `xml:",any"`
		}](),
		"innerxml": reflect.TypeFor[struct {
			A string `xml:",innerxml"`
		}](),
		"an embedded struct": reflect.TypeFor[struct {
			embedded
		}](),
		"namespaces and none mixed": reflect.TypeFor[struct {
			A string `xml:"urn:a A"`
			B string `xml:"B"`
		}](),
		"a name twice": reflect.StructOf([]reflect.StructField{
			{Name: "A", Type: reflect.TypeFor[string](), Tag: `xml:"A"`},
			{Name: "B", Type: reflect.TypeFor[string](), Tag: `xml:"A"`},
		}),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			ShapeOf(typ)
		})
	}
}
