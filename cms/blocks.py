from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="หัวข้อ")
    text = blocks.RichTextBlock(label="ข้อความ", features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = "กล่องข้อความเด่น"
        template = "cms/blocks/callout.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="หัวข้อย่อย", form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(
        label="ย่อหน้า", features=["bold", "italic", "link", "ul", "ol", "h3"]
    )
    image = ImageChooserBlock(label="รูปภาพ")
    callout = CalloutBlock()

    class Meta:
        template = "cms/blocks/body.html"
